using System.Collections.Concurrent;

namespace Tally.StripeEmulator.Core;

/// <summary>
/// The emulator's state root: accounts, routes, expansions, hooks, webhooks, control.
/// One per <see cref="StripeEmulatorServer"/>.
/// </summary>
internal sealed class Emulator
{
    private readonly ConcurrentDictionary<string, Account> accounts = new(StringComparer.Ordinal);
    private readonly List<IResourceModule> modules = [];

    internal Emulator(StripeEmulatorOptions options)
    {
        Options = options;
        Control = new EmulatorControl(this, options);
        Webhooks = new WebhookDispatcher(this, options);
    }

    public StripeEmulatorOptions Options { get; }

    public DateTimeOffset Now => Options.Time.GetUtcNow();

    public RouteTable Routes { get; } = new();

    public Expansions Expansions { get; } = new();

    public EmulatorHooks Hooks { get; } = new();

    public EmulatorControl Control { get; }

    internal WebhookDispatcher Webhooks { get; }

    internal Action? OnDirty { get; set; }

    public IReadOnlyList<IResourceModule> Modules => modules;

    public IEnumerable<Account> Accounts => accounts.Values;

    internal void AddModule(IResourceModule module)
    {
        modules.Add(module);
        module.Initialize(this);
        module.Map(Routes);
    }

    /// <summary>The account of an API key, created on first use.</summary>
    public Account AccountFor(string apiKey) => accounts.GetOrAdd(apiKey, k => new Account(this, k));

    public Account? FindAccount(string acctId) => accounts.Values.FirstOrDefault(a => a.Id == acctId);

    internal void ResetAccounts() => accounts.Clear();

    /// <summary>Schedules a snapshot write (no-op when the emulator runs in memory).</summary>
    public void MarkDirty() => OnDirty?.Invoke();
}
