using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Core;

/// <summary>
/// Snapshot of every account to <see cref="StripeEmulatorOptions.StatePath"/>: written (debounced)
/// after changes and on dispose, read at start. Format:
/// <c>{"version":1,"accounts":[{"api_key","objects":{type:[...]},"test_clocks":{id:unix},"modules":{name:state},
/// "idempotency":[{"key","fingerprint","created","request_id","status","content_type","body"(base64)}]}]}</c>.
/// </summary>
internal sealed partial class Persistence(Emulator emulator, string path) : IAsyncDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);
    private readonly CancellationTokenSource stop = new();
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private Task? loop;

    public void Start()
    {
        emulator.OnDirty = Signal;
        loop = Task.Run(() => RunAsync(stop.Token));
    }

    private void Signal()
    {
        try
        { signal.Release(); }
        catch (SemaphoreFullException) { /* a save is already pending */ }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await signal.WaitAsync(ct);
                await Task.Delay(emulator.Options.SaveDelay, ct);
                try
                {
                    await SaveAsync(CancellationToken.None);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A failed write (disk full, path gone) must not stop later saves.
                    await Console.Error.WriteLineAsync($"stripe-emulator: saving {path} failed: {ex.Message}");
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    public async Task SaveAsync(CancellationToken ct)
    {
        await writeLock.WaitAsync(ct);
        try
        {
            var bytes = ApiResult.Write(WriteSnapshot);
            var dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null)
            {
                Directory.CreateDirectory(dir);
            }

            var temp = path + ".tmp";
            await File.WriteAllBytesAsync(temp, bytes, ct);
            if (!OperatingSystem.IsWindows())
            {
                // The state holds the account's secrets (webhook signing secrets): the owner's alone.
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            writeLock.Release();
        }
    }

    private void WriteSnapshot(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("version", 1);
        w.WriteStartArray("accounts");
        foreach (var account in emulator.Accounts)
        {
            lock (account.Sync)
            {
                w.WriteStartObject();
                w.WriteString("api_key", account.ApiKey);
                w.WriteStartObject("objects");
                foreach (var collection in account.Store.Collections)
                {
                    if (collection.Count == 0)
                    {
                        continue;
                    }

                    w.WriteStartArray(collection.ObjectType);
                    foreach (var obj in collection.All)
                    {
                        obj.WriteTo(w);
                    }

                    w.WriteEndArray();
                }
                w.WriteEndObject();
                w.WriteStartObject("test_clocks");
                foreach (var (id, t) in account.TestClocks.All)
                {
                    w.WriteNumber(id, t.ToUnixTimeSeconds());
                }

                w.WriteEndObject();
                w.WriteStartObject("modules");
                foreach (var module in emulator.Modules)
                {
                    if (module.Save(account) is not { } state)
                    {
                        continue;
                    }

                    w.WritePropertyName(module.Name);
                    state.WriteTo(w);
                }
                w.WriteEndObject();
                WriteIdempotency(w, account);
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public void Load()
    {
        if (!File.Exists(path))
        {
            return;
        }

        var root = JsonNode.Parse(File.ReadAllBytes(path))?.AsObject();
        if (root?["accounts"] is not JsonArray accounts)
        {
            return;
        }

        foreach (var node in accounts)
        {
            if (node is not JsonObject a || (string?)a["api_key"] is not { } key)
            {
                continue;
            }

            var account = emulator.AccountFor(key);
            lock (account.Sync)
            {
                if (a["objects"] is JsonObject objects)
                {
                    foreach (var (type, list) in objects)
                    {
                        if (list is not JsonArray arr)
                        {
                            continue;
                        }

                        var items = arr.OfType<JsonObject>().ToList();
                        arr.Clear();
                        foreach (var obj in items)
                        {
                            account.Store[type].Add(obj);
                        }
                    }
                }
                if (a["test_clocks"] is JsonObject clocks)
                {
                    foreach (var (id, t) in clocks)
                    {
                        account.TestClocks.Set(id, DateTimeOffset.FromUnixTimeSeconds((long)t!));
                    }
                }

                if (a["idempotency"] is JsonArray idempotency)
                {
                    LoadIdempotency(account, idempotency);
                }

                if (a["modules"] is JsonObject modules)
                {
                    foreach (var module in emulator.Modules)
                    {
                        if (modules[module.Name] is { } state)
                        {
                            module.Load(account, state);
                        }
                    }
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        emulator.OnDirty = null;
        await stop.CancelAsync();
        if (loop is not null)
        {
            await loop;
        }

        await SaveAsync(CancellationToken.None);
        stop.Dispose();
    }
}
