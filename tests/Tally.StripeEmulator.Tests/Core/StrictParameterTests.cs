using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Core;

/// <summary>Issue 15.9: the emulator refuses what Stripe refuses (unknown or malformed parameters, both cursors).</summary>
public sealed class StrictParameterTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UnknownTopLevelParameter_Is400ParameterUnknown_AndNothingIsCreated()
    {
        var client = fx.NewClient();
        var options = new CustomerCreateOptions { Email = "a@example.test" };
        options.AddExtraParam("favourite_colour", "blue");

        var e = await Assert.ThrowsAsync<StripeException>(() => client.V1.Customers.CreateAsync(options, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Equal("invalid_request_error", e.StripeError.Type);
        Assert.Equal("parameter_unknown", e.StripeError.Code);
        Assert.Equal("favourite_colour", e.StripeError.Param);
        Assert.Equal("Received unknown parameter: favourite_colour", e.StripeError.Message);
        Assert.Empty((await client.V1.Customers.ListAsync(cancellationToken: Ct)).Data);
    }

    [Fact]
    public async Task UnknownNestedParameter_NamesItsFullPath()
    {
        var key = EmulatorFixture.NewKey();
        var client = fx.Client(key);
        var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "a@example.test" }, cancellationToken: Ct);
        var (status, error) = await PostAsync(key, "/v1/subscriptions", $"customer={customer.Id}&items[0][price]=price_x&items[0][colour]=red");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("parameter_unknown", (string?)error["code"]);
        Assert.Equal("items[0][colour]", (string?)error["param"]);
        Assert.Equal("Received unknown parameter: items[0][colour]", (string?)error["message"]);

        (status, error) = await PostAsync(key, $"/v1/customers/{customer.Id}", "invoice_settings[default_payment_method]=&invoice_settings[colour]=red");
        Assert.Equal("invoice_settings[colour]", (string?)error["param"]);
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task UnknownQueryParameter_OnAList_Is400()
    {
        var key = EmulatorFixture.NewKey();
        using var http = Clients.Raw(fx.Server, key);
        var response = await http.GetAsync("/v1/customers?limit=3&colour=red", Ct);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Received unknown parameter: colour", (string?)error["message"]);
    }

    [Fact]
    public async Task MetadataKeys_Expand_AndEveryStripeNetOption_AreAccepted()
    {
        var client = fx.NewClient();
        var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Email = "a@example.test", Name = "Ada", Metadata = new() { ["anything_at_all"] = "1", ["user_id"] = "42" },
            Expand = ["invoice_settings.default_payment_method"],
        }, cancellationToken: Ct);
        Assert.Equal("42", customer.Metadata["user_id"]);
    }

    [Fact]
    public async Task MalformedNestedParameters_Are400_NamingTheParameter()
    {
        var key = EmulatorFixture.NewKey();
        var (status, error) = await PostAsync(key, "/v1/customers", "metadata=oops");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(("Invalid hash", "metadata"), ((string?)error["message"], (string?)error["param"]));

        (status, error) = await PostAsync(key, "/v1/customers", "preferred_locales=en");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(("Invalid array", "preferred_locales"), ((string?)error["message"], (string?)error["param"]));

        (status, error) = await PostAsync(key, "/v1/customers", "email[x]=a@example.test");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("email", (string?)error["param"]);

        (status, _) = await PostAsync(key, "/v1/customers", "metadata=");
        Assert.Equal(HttpStatusCode.OK, status);   // an empty value clears a hash
    }

    [Fact]
    public async Task StartingAfter_WithEndingBefore_Is400()
    {
        var client = fx.NewClient();
        var a = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "a@example.test" }, cancellationToken: Ct);
        var b = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "b@example.test" }, cancellationToken: Ct);

        var e = await Assert.ThrowsAsync<StripeException>(() =>
            client.V1.Customers.ListAsync(new CustomerListOptions { StartingAfter = b.Id, EndingBefore = a.Id }, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Contains("only specify one of", e.StripeError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatedRange_FiltersAList()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        await using var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { Port = 0, Time = time }, Ct);
        var client = Clients.For(server, EmulatorFixture.NewKey());
        var old = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "old@example.test" }, cancellationToken: Ct);
        time.Advance(TimeSpan.FromDays(2));
        var recent = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "new@example.test" }, cancellationToken: Ct);

        var list = await client.V1.Customers.ListAsync(new CustomerListOptions
        {
            Created = new DateRangeOptions { GreaterThanOrEqual = time.GetUtcNow().UtcDateTime.AddDays(-1) },
        }, cancellationToken: Ct);
        Assert.Equal([recent.Id], list.Data.Select(c => c.Id));

        var before = await client.V1.Customers.ListAsync(new CustomerListOptions
        {
            Created = new DateRangeOptions { LessThan = time.GetUtcNow().UtcDateTime.AddDays(-1) },
        }, cancellationToken: Ct);
        Assert.Equal([old.Id], before.Data.Select(c => c.Id));
    }

    [Fact]
    public async Task V2JsonBody_WithAnUnknownKey_Is400()
    {
        var key = EmulatorFixture.NewKey();
        using var http = Clients.Raw(fx.Server, key);
        var body = new StringContent("""{"event_name":"api_requests","payload":{"stripe_customer_id":"cus_x","value":"1"},"colour":"red"}""", Encoding.UTF8, "application/json");
        var response = await http.PostAsync("/v2/billing/meter_events", body, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Received unknown parameter: colour", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Status, JsonNode Error)> PostAsync(string key, string path, string form)
    {
        using var http = Clients.Raw(fx.Server, key);
        var response = await http.PostAsync(path, new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"), Ct);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        return (response.StatusCode, json["error"] ?? json);
    }
}
