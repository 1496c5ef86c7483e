using System.Net;
using System.Text.Json.Nodes;
using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Core;

public sealed class TransportTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static FormUrlEncodedContent Form(params (string, string)[] pairs) =>
        new(pairs.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)));

    [Fact]
    public async Task FormBody_BracketAndIndexedNotation_IsParsed()
    {
        var key = EmulatorFixture.NewKey();
        using var http = Clients.Raw(fx.Server, key);
        var response = await http.PostAsync("/v1/customers", Form(
            ("email", "ada@example.com"), ("metadata[user_id]", "42"), ("metadata[plan]", "pro"),
            ("preferred_locales[0]", "en"), ("preferred_locales[1]", "fr"),
            ("address[city]", "Paris"), ("expand[]", "test_clock")), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        StrictParse.CheckJson(body);
        var json = JsonNode.Parse(body)!;
        Assert.Equal("42", (string?)json["metadata"]!["user_id"]);
        Assert.Equal("pro", (string?)json["metadata"]!["plan"]);
        Assert.Equal(["en", "fr"], json["preferred_locales"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("Paris", (string?)json["address"]!["city"]);
    }

    [Fact]
    public async Task EmptyValue_ClearsField_AndMetadataKey()
    {
        var client = fx.NewClient();
        var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Description = "to be cleared", Phone = "+33100000000",
            Metadata = new() { ["keep"] = "1", ["drop"] = "2" },
        }, cancellationToken: Ct);

        var update = new CustomerUpdateOptions { Metadata = new() { ["drop"] = "" } };
        update.AddExtraParam("description", ""); // "description=" clears (53.1.0 does not track a plain null here)
        var updated = await client.V1.Customers.UpdateAsync(customer.Id, update, cancellationToken: Ct);

        Assert.Null(updated.Description);
        Assert.Equal("+33100000000", updated.Phone);
        Assert.Equal(new Dictionary<string, string> { ["keep"] = "1" }, updated.Metadata);
        var request = fx.Server.Control.Requests.Last(r => r.Path == $"/v1/customers/{customer.Id}");
        Assert.Contains(new KeyValuePair<string, string>("description", ""), request.Form);
    }

    [Fact]
    public async Task MetadataEmpty_ClearsAllKeys()
    {
        var key = EmulatorFixture.NewKey();
        var customer = await fx.Client(key).V1.Customers.CreateAsync(new CustomerCreateOptions { Metadata = new() { ["a"] = "1", ["b"] = "2" } }, cancellationToken: Ct);
        using var http = Clients.Raw(fx.Server, key);
        var body = await (await http.PostAsync($"/v1/customers/{customer.Id}", Form(("metadata", "")), Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Empty(JsonNode.Parse(body)!["metadata"]!.AsObject());
    }

    [Fact]
    public async Task MissingObject_Is404ResourceMissing_WithParamId()
    {
        var client = fx.NewClient();
        var e = await Assert.ThrowsAsync<StripeException>(() => client.V1.Customers.GetAsync("cus_nope", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, e.HttpStatusCode);
        Assert.Equal("invalid_request_error", e.StripeError.Type);
        Assert.Equal("resource_missing", e.StripeError.Code);
        Assert.Equal("id", e.StripeError.Param);
        Assert.Equal("No such customer: 'cus_nope'", e.StripeError.Message);
    }

    [Fact]
    public async Task MissingParameter_Is400ParameterMissing_NamingTheParam()
    {
        var client = fx.NewClient();
        var e = await Assert.ThrowsAsync<StripeException>(() => client.V1.Prices.CreateAsync(new PriceCreateOptions { Product = "prod_x", UnitAmount = 100 }, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Equal("parameter_missing", e.StripeError.Code);
        Assert.Equal("currency", e.StripeError.Param);
        Assert.Equal("Missing required param: currency.", e.StripeError.Message);
    }

    [Fact]
    public async Task UnknownUrl_Is404_AndEverySuccessHasRequestId()
    {
        var key = EmulatorFixture.NewKey();
        using var http = Clients.Raw(fx.Server, key);
        var missing = await http.GetAsync("/v1/not_a_resource", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("Unrecognized request URL", await missing.Content.ReadAsStringAsync(Ct));

        var customer = await fx.Client(key).V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct);
        Assert.StartsWith("req_", customer.StripeResponse.RequestId);
        Assert.Equal(HttpStatusCode.OK, customer.StripeResponse.StatusCode);
    }

    [Fact]
    public async Task InvalidInteger_Is400NamingNestedParam()
    {
        var key = EmulatorFixture.NewKey();
        using var http = Clients.Raw(fx.Server, key);
        var response = await http.PostAsync("/v1/prices", Form(("currency", "usd"), ("product_data[name]", "X"),
            ("unit_amount", "100"), ("recurring[interval]", "month"), ("recurring[interval_count]", "often")), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;
        Assert.Equal("recurring[interval_count]", (string?)error["param"]);
    }

    [Fact]
    public async Task Requests_AreRecordedForInspection_AndCanBeCleared()
    {
        var client = fx.NewClient();
        await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "inspect@example.com" },
            new RequestOptions { IdempotencyKey = "inspect-1" }, Ct);
        var recorded = fx.Server.Control.Requests.Last(r => r.IdempotencyKey == "inspect-1");
        Assert.Equal("POST", recorded.Method);
        Assert.Equal("/v1/customers", recorded.Path);
        Assert.Equal(200, recorded.Status);
        Assert.Contains(new KeyValuePair<string, string>("email", "inspect@example.com"), recorded.Form);
        fx.Server.Control.ClearRequests();
        Assert.DoesNotContain(fx.Server.Control.Requests, r => r.IdempotencyKey == "inspect-1");
    }

    [Fact]
    public async Task JsonBody_IsAccepted_LikeV2Requests()
    {
        var key = EmulatorFixture.NewKey();
        using var http = Clients.Raw(fx.Server, key);
        var json = new StringContent("""{"email":"json@example.com","metadata":{"source":"v2"},"preferred_locales":["de"]}""",
            System.Text.Encoding.UTF8, "application/json");
        var response = await http.PostAsync("/v1/customers", json, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var node = JsonNode.Parse(body)!;
        Assert.Equal("json@example.com", (string?)node["email"]);
        Assert.Equal("v2", (string?)node["metadata"]!["source"]);
        Assert.Equal("de", (string?)node["preferred_locales"]![0]);

        var broken = await http.PostAsync("/v1/customers", new StringContent("{nope", System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
    }

    [Fact]
    public async Task NonIndexedExpand_FromOtherClients_Works()
    {
        var key = EmulatorFixture.NewKey();
        var client = fx.Client(key);
        var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { PaymentMethod = "pm_card_visa" }, cancellationToken: Ct);
        var pm = Assert.Single((await client.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = customer.Id }, cancellationToken: Ct)).Data);
        using var http = Clients.Raw(fx.Server, key);
        var body = await http.GetStringAsync($"/v1/payment_methods/{pm.Id}?expand[]=customer", Ct);
        StrictParse.CheckJson(body);
        Assert.Equal("customer", (string?)JsonNode.Parse(body)!["customer"]!["object"]);
    }
}
