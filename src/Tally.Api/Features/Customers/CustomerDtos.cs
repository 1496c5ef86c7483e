namespace Tally.Api.Features.Customers;

public sealed record CreateCustomerResponse(string StripeCustomerId, string? Email, DateTimeOffset Created);

public sealed record AttachPaymentMethodRequest(string? PaymentMethodId, bool? SetDefault);

public sealed record PaymentMethodResponse(string Id, string? Brand, string? Last4, bool IsDefault);

public sealed record CustomerResponse(string StripeCustomerId, string? Email, string? Name, string? DefaultPaymentMethod, DateTimeOffset Created);

public sealed record ImportCustomerRequest(string? StripeCustomerId);
