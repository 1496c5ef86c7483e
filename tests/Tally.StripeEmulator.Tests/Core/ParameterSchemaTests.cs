using System.Text.Json;
using System.Text.Json.Nodes;
using Tally.StripeEmulator.Core;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Core;

/// <summary>
/// The emulator's per-endpoint allow-lists (<c>src/Tally.StripeEmulator/Core/parameters.json</c>) are exactly
/// what Stripe.net 53.1.0's options types serialise. Regenerate after an SDK bump or a new route:
/// <c>UPDATE_PARAMETER_SCHEMA=1 dotnet test --project tests/Tally.StripeEmulator.Tests -- --filter-class '*ParameterSchemaTests*'</c>.
/// </summary>
public sealed class ParameterSchemaTests
{
    internal static JsonObject Generate()
    {
        var json = new JsonObject();
        foreach (var (route, type) in ParameterSchemaRoutes.Map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            json[route] = type is null ? null : OptionsSchema.Of(type);
        }

        return json;
    }

    [Fact]
    public void EmbeddedAllowLists_MatchStripeNetOptionsTypes()
    {
        var generated = Generate();
        if (Environment.GetEnvironmentVariable("UPDATE_PARAMETER_SCHEMA") == "1")
        {
            System.IO.File.WriteAllText(SchemaPath(), generated.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }

        using var stream = typeof(ParameterSchema).Assembly.GetManifestResourceStream("Tally.StripeEmulator.parameters.json")!;
        var embedded = JsonNode.Parse(stream)!;
        Assert.True(JsonNode.DeepEquals(generated, embedded),
            "parameters.json differs from Stripe.net's options types: regenerate it (see this class's summary) and review the diff.");
    }

    [Fact]
    public async Task EveryEmulatorRoute_HasAnAllowList()
    {
        await using var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { Port = 0 }, TestContext.Current.CancellationToken);
        var routes = server.Emulator.Routes.All.Select(r => r.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(routes, ParameterSchema.Shared.Routes.Order(StringComparer.Ordinal).ToList());
    }

    private static string SchemaPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.File.Exists(Path.Combine(dir.FullName, "Tally.slnx")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repo root not found"), "src", "Tally.StripeEmulator", "Core", "parameters.json");
    }
}
