using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Core;

/// <summary>
/// A group of Stripe resources (catalog, billing, ...). The host calls <see cref="Initialize"/> once,
/// then <see cref="Map"/>. Objects kept in <see cref="Account.Store"/> are persisted by the core;
/// anything else a module keeps per account goes through <see cref="Save"/>/<see cref="Load"/>.
/// </summary>
internal interface IResourceModule
{
    /// <summary>Unique name; the key of this module's state in the snapshot file.</summary>
    string Name { get; }

    /// <summary>Register expansions and hooks (e.g. <see cref="EmulatorHooks.FindMeter"/>).</summary>
    void Initialize(Emulator emulator) { }

    void Map(RouteTable routes);

    /// <summary>Extra per-account state for the snapshot (called under the account lock); null = nothing.</summary>
    JsonNode? Save(Account account) => null;

    /// <summary>Restores what <see cref="Save"/> produced (called under the account lock, after the store is loaded).</summary>
    void Load(Account account, JsonNode state) { }
}
