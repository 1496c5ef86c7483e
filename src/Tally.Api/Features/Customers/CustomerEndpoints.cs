using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.Http;
using Tally.Api.Infrastructure.OpenApi;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Customers;

internal static class CustomerEndpoints
{
    public static void MapCustomers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/stripe").WithTags("Customers");
        group.MapPost("/create_customer", CreateCustomerAsync).WithName("CreateCustomer").RequireRole(Role.Editor).RequireStripeRateLimit().ProducesProblems(429, 502);
        group.MapPost("/attach_payment_method", AttachPaymentMethodAsync).WithName("AttachPaymentMethod").RequireRole(Role.Editor)
            .RequireStripeRateLimit().ProducesProblems(400, 402, 404, 413, 415, 429, 502);
        group.MapGet("/customer", GetCustomerAsync).WithName("GetCustomer").RequireRole(Role.Viewer).RequireStripeRateLimit().ProducesProblems(404, 429, 502);
        app.MapPost("/api/admin/users/{id:long}/stripe_customer", ImportCustomerAsync).WithTags("Customers").WithName("ImportStripeCustomer")
            .RequireRole(Role.Admin).ProducesProblems(400, 404, 409, 413, 415, 502);
    }

    private static async Task<Ok<CreateCustomerResponse>> CreateCustomerAsync(HttpContext http, CustomerAccounts accounts, CancellationToken ct) =>
        TypedResults.Ok(await accounts.EnsureCustomerAsync(http.CurrentUser().Id, ct));

    private static async Task<Results<Ok<PaymentMethodResponse>, ProblemHttpResult>> AttachPaymentMethodAsync(
        AttachPaymentMethodRequest? body, HttpContext http, CustomerAccounts accounts, UserAccounts users, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.PaymentMethodId))
        {
            return Problems.Validation("payment_method_id", "is required.");
        }

        if (!StripeIds.IsWellFormed(body.PaymentMethodId))
        {
            return InvalidPaymentMethod("is not a Stripe payment method id.");
        }

        var customerId = await users.StripeCustomerIdOfAsync(http.CurrentUser().Id, ct);
        if (customerId is null)
        {
            return Problems.NoStripeCustomer();
        }

        var attached = await accounts.AttachPaymentMethodAsync(customerId, body.PaymentMethodId, body.SetDefault ?? true, ct);
        return attached.Outcome switch
        {
            StripeOutcome.Ok => TypedResults.Ok(new PaymentMethodResponse(attached.Value!.Id, attached.Value.Brand, attached.Value.Last4, attached.Value.IsDefault)),
            StripeOutcome.CardDeclined => Problems.Result(StatusCodes.Status402PaymentRequired, attached.Code!, attached.Message!),
            StripeOutcome.UnknownObject => InvalidPaymentMethod("does not name a payment method Stripe knows."),
            _ => InvalidPaymentMethod("cannot be attached to your customer."),
        };
    }

    private static async Task<Results<Ok<CustomerResponse>, ProblemHttpResult>> GetCustomerAsync(
        HttpContext http, UserAccounts users, StripeGateway gateway, CancellationToken ct)
    {
        var customerId = await users.StripeCustomerIdOfAsync(http.CurrentUser().Id, ct);
        if (customerId is null || await gateway.GetCustomerAsync(customerId, ct) is not { Deleted: false } c)
        {
            return Problems.NoStripeCustomer();
        }

        return TypedResults.Ok(new CustomerResponse(c.Id, c.Email, c.Name, c.DefaultPaymentMethodId, c.Created));
    }

    /// <summary>Attaches an existing Stripe customer to a user: an audited admin decision, never a webhook's side effect.</summary>
    private static async Task<Results<Ok<CustomerResponse>, ProblemHttpResult>> ImportCustomerAsync(
        long id, ImportCustomerRequest? body, ClaimsPrincipal principal, UserAccounts users, CustomerImports imports, StripeGateway gateway,
        MirrorUpdates mirror, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.StripeCustomerId))
        {
            return Problems.Validation("stripe_customer_id", "is required.");
        }

        if (!StripeIds.IsWellFormed(body.StripeCustomerId, "cus_"))
        {
            return Problems.Validation("stripe_customer_id", "is not a Stripe customer id.");
        }

        if (await users.FindAsync(id, ct) is null)
        {
            return UserNotFound(id);
        }

        if (await gateway.GetCustomerAsync(body.StripeCustomerId, ct) is not { Deleted: false } customer)
        {
            return Problems.NotFound("stripe_customer_not_found", $"Stripe knows no customer {body.StripeCustomerId}.");
        }

        var outcome = await imports.ImportAsync(id, customer.Id, principal.UserId(), principal.Actor(), ct);
        switch (outcome)
        {
            case CustomerImportOutcome.UserNotFound:
                return UserNotFound(id);
            case CustomerImportOutcome.UserHasCustomer:
                return Problems.Conflict("user_has_customer", $"User {id} already has another Stripe customer.");
            case CustomerImportOutcome.CustomerHeld:
                return Problems.Conflict("customer_already_linked", $"Customer {customer.Id} belongs to another user.");
        }

        await mirror.ApplyFetchedCustomerAsync(customer, ct);
        return TypedResults.Ok(new CustomerResponse(customer.Id, customer.Email, customer.Name, customer.DefaultPaymentMethodId, customer.Created));
    }

    private static ProblemHttpResult UserNotFound(long id) => Problems.NotFound("user_not_found", $"No user has id {id}.");

    private static ProblemHttpResult InvalidPaymentMethod(string message) =>
        Problems.Result(StatusCodes.Status400BadRequest, "invalid_payment_method", $"payment_method_id: {message}",
            new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["payment_method_id"] = [message] } });
}
