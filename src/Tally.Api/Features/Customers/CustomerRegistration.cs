namespace Tally.Api.Features.Customers;

internal static class CustomerRegistration
{
    public static void AddCustomers(this WebApplicationBuilder builder) => builder.Services.AddScoped<CustomerAccounts>();
}
