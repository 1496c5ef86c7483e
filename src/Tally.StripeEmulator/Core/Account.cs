using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Core;

/// <summary>
/// One Stripe account: every distinct <c>sk_test_</c> key is its own account with its own objects.
/// All state is guarded by <see cref="Sync"/>; the pipeline holds it while a handler runs (never
/// across I/O), so handlers use the account without further locking.
/// </summary>
internal sealed class Account
{
    private readonly Dictionary<Type, object> moduleState = [];

    internal Account(Emulator emulator, string apiKey)
    {
        Emulator = emulator;
        ApiKey = apiKey;
        Id = "acct_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)))[..16];
    }

    public Emulator Emulator { get; }

    public string ApiKey { get; }

    /// <summary>Stable <c>acct_</c> id derived from the key (usable in public URLs such as invoice PDFs).</summary>
    public string Id { get; }

    public object Sync { get; } = new();

    public ObjectStore Store { get; } = new();

    public TestClockRegistry TestClocks { get; } = new();

    internal IdempotencyCache Idempotency { get; } = new();

    /// <summary>The request being handled (set by the pipeline under <see cref="Sync"/>), for event <c>request</c>.</summary>
    public ApiRequest? CurrentRequest { get; internal set; }

    /// <summary>Per-module state (one instance per type per account). Persist it through <see cref="IResourceModule"/>.</summary>
    public T State<T>() where T : class, new()
    {
        if (!moduleState.TryGetValue(typeof(T), out var s))
        {
            moduleState[typeof(T)] = s = new T();
        }

        return (T)s;
    }

    /// <summary>
    /// "Now" for an object: the frozen time of its test clock when <paramref name="customerOrClockId"/>
    /// is a test clock id or a customer on a test clock, else the emulator clock.
    /// </summary>
    public DateTimeOffset Now(string? customerOrClockId = null)
    {
        if (customerOrClockId is null)
        {
            return Emulator.Now;
        }

        if (TestClocks.TryGet(customerOrClockId, out var t))
        {
            return t;
        }

        if (Store["customer"].Get(customerOrClockId)?["test_clock"] is JsonValue v
            && v.TryGetValue<string>(out var clock) && TestClocks.TryGet(clock, out var ct))
        {
            return ct;
        }

        return Emulator.Now;
    }

    /// <summary>The test clock id governing an object (a customer, or an object with a <c>customer</c> or <c>test_clock</c>).</summary>
    public string? ClockOf(JsonObject obj)
    {
        if (obj["test_clock"] is JsonValue tc && tc.TryGetValue<string>(out var clock))
        {
            return clock;
        }

        var customerId = (string?)obj["object"] == "customer" ? (string?)obj["id"] : Json.IdOf(obj["customer"]);
        if (customerId is null)
        {
            return null;
        }

        return Store["customer"].Get(customerId)?["test_clock"] is JsonValue v && v.TryGetValue<string>(out var c) ? c : null;
    }

    /// <summary>Unix seconds of <see cref="Now(string?)"/> for the given customer/clock.</summary>
    public long UnixNow(string? customerOrClockId = null) => Now(customerOrClockId).ToUnixTimeSeconds();

    /// <summary>
    /// Records an event (<c>evt_</c>) with a snapshot of <paramref name="obj"/> and queues it to every
    /// matching webhook endpoint. <paramref name="at"/> defaults to the object's test-clock time.
    /// </summary>
    public JsonObject Emit(string type, JsonObject obj, JsonObject? previousAttributes = null, DateTimeOffset? at = null)
    {
        var created = at ?? Now(ClockOf(obj));
        var data = new JsonObject { ["object"] = obj.DeepClone() };
        if (previousAttributes is not null)
        {
            data["previous_attributes"] = previousAttributes.DeepClone();
        }

        var request = CurrentRequest;
        var evt = new JsonObject
        {
            ["id"] = Ids.New("evt_"),
            ["object"] = "event",
            ["api_version"] = StripeApi.Version,
            ["created"] = created.ToUnixTimeSeconds(),
            ["data"] = data,
            ["livemode"] = false,
            ["pending_webhooks"] = 0,
            ["request"] = new JsonObject
            {
                ["id"] = request?.RequestId,
                ["idempotency_key"] = request?.IdempotencyKey,
            },
            ["type"] = type,
        };
        Store["event"].Add(evt);
        Emulator.Webhooks.Enqueue(this, evt);
        Emulator.MarkDirty();
        return evt;
    }
}

/// <summary>Frozen times of an account's test clocks. The billing module owns the clock objects and advances them here.</summary>
internal sealed class TestClockRegistry
{
    private readonly Dictionary<string, DateTimeOffset> times = new(StringComparer.Ordinal);

    public void Set(string clockId, DateTimeOffset frozenTime) => times[clockId] = frozenTime;

    public bool Remove(string clockId) => times.Remove(clockId);

    public bool TryGet(string clockId, out DateTimeOffset frozenTime) => times.TryGetValue(clockId, out frozenTime);

    public bool Contains(string clockId) => times.ContainsKey(clockId);

    public IReadOnlyDictionary<string, DateTimeOffset> All => times;
}
