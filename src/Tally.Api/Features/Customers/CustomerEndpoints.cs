using Microsoft.AspNetCore.Http.HttpResults;
using Stripe;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.OpenApi;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Customers;

internal static class CustomerEndpoints
{
    public const string NoCustomerCode = "no_stripe_customer";
    public const string NoCustomerDetail = "User has no Stripe customer";

    public static void AddCustomers(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<UserLocks>();
        builder.Services.AddScoped<CustomerAccounts>();
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddScoped<Mirror.MirrorWriter>(builder.Services);
    }

    public static void MapCustomers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/stripe").WithTags("Customers");
        group.MapPost("/create_customer", CreateCustomerAsync).WithName("CreateCustomer").RequireRole(Role.Editor).ProducesProblems(502);
        group.MapPost("/attach_payment_method", AttachPaymentMethodAsync).WithName("AttachPaymentMethod").RequireRole(Role.Editor)
            .ProducesProblems(400, 402, 404, 413, 415, 502);
        group.MapGet("/customer", GetCustomerAsync).WithName("GetCustomer").RequireRole(Role.Viewer).ProducesProblems(404, 502);
    }

    public static ProblemHttpResult NoCustomer() => Problems.NotFound(NoCustomerCode, NoCustomerDetail);

    private static async Task<Ok<CreateCustomerResponse>> CreateCustomerAsync(HttpContext http, CustomerAccounts accounts, CancellationToken ct) =>
        TypedResults.Ok(await accounts.EnsureCustomerAsync(http.CurrentUser().Id, ct));

    private static async Task<Results<Ok<PaymentMethodResponse>, ProblemHttpResult>> AttachPaymentMethodAsync(
        AttachPaymentMethodRequest? body, HttpContext http, CustomerAccounts accounts, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.PaymentMethodId))
        {
            return Problems.Validation("payment_method_id", "is required.");
        }

        if (!StripeIds.IsWellFormed(body.PaymentMethodId))
        {
            return InvalidPaymentMethod("is not a Stripe payment method id.");
        }

        var customerId = await accounts.CustomerIdOfAsync(http.CurrentUser().Id, ct);
        if (customerId is null)
        {
            return NoCustomer();
        }

        try
        {
            var pm = await accounts.AttachPaymentMethodAsync(customerId, body.PaymentMethodId, body.SetDefault ?? true, ct);
            return TypedResults.Ok(new PaymentMethodResponse(pm.Id, pm.Brand, pm.Last4, pm.IsDefault));
        }
        catch (StripeException ex) when (ex.StripeError is { Type: "invalid_request_error" } error && error.Param is not "customer")
        {
            // resource_missing for an unknown id; "already attached to a customer" for someone else's method.
            return InvalidPaymentMethod(error.Code == "resource_missing"
                ? "does not name a payment method Stripe knows."
                : "cannot be attached to your customer.");
        }
    }

    private static async Task<Results<Ok<CustomerResponse>, ProblemHttpResult>> GetCustomerAsync(
        HttpContext http, CustomerAccounts accounts, StripeGateway gateway, CancellationToken ct)
    {
        var customerId = await accounts.CustomerIdOfAsync(http.CurrentUser().Id, ct);
        if (customerId is null)
        {
            return NoCustomer();
        }

        CustomerRecord c;
        try
        {
            c = await gateway.GetCustomerAsync(customerId, ct);
        }
        catch (StripeException ex) when (ex.StripeError?.Code == "resource_missing")
        {
            return NoCustomer();
        }

        return c.Deleted
            ? NoCustomer()
            : TypedResults.Ok(new CustomerResponse(c.Id, c.Email, c.Name, c.DefaultPaymentMethodId, c.Created));
    }

    private static ProblemHttpResult InvalidPaymentMethod(string message) =>
        Problems.Result(StatusCodes.Status400BadRequest, "invalid_payment_method", $"payment_method_id: {message}",
            new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["payment_method_id"] = [message] } });
}

internal static class StripeIds
{
    /// <summary>Stripe ids are short runs of letters, digits and underscores; anything else never reaches Stripe.</summary>
    public static bool IsWellFormed(string id, string? prefix = null) =>
        id.Length is > 0 and <= 255 && (prefix is null || id.StartsWith(prefix, StringComparison.Ordinal))
        && id.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');
}
