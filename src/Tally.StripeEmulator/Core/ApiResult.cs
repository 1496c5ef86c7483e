using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Core;

/// <summary>
/// A handler's answer. <see cref="Body"/> runs under the account lock, so results may read live
/// store objects without copying them.
/// </summary>
internal abstract class ApiResult
{
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public virtual int Status => 200;

    public virtual string ContentType => "application/json";

    public abstract byte[] Body();

    public static ApiResult Json(JsonNode node) => new NodeResult(node);

    public static ApiResult Raw(byte[] body, string contentType, int status = 200) => new RawResult(body, contentType, status);

    internal static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private sealed class NodeResult(JsonNode node) : ApiResult
    {
        public override byte[] Body() => Write(w => node.WriteTo(w));
    }

    private sealed class RawResult(byte[] body, string contentType, int status) : ApiResult
    {
        public override int Status => status;
        public override string ContentType => contentType;
        public override byte[] Body() => body;
    }
}

internal sealed class ObjectResult(JsonObject obj, Account? account, IReadOnlyList<string> expand) : ApiResult
{
    public override byte[] Body()
    {
        if (account is null)
        {
            return Write(w => obj.WriteTo(w));
        }

        var rendered = account.Emulator.Expansions.Render(account, obj, expand);
        return Write(w => rendered.WriteTo(w));
    }
}

/// <summary>A Stripe list page: <c>{"object":"list","data":[...],"has_more","url"}</c>, newest first.</summary>
internal sealed class ListResult(IReadOnlyList<JsonObject> data, bool hasMore, string url, Account? account, IReadOnlyList<string> expand) : ApiResult
{
    public override byte[] Body() => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("object", "list");
        w.WritePropertyName("data");
        w.WriteStartArray();
        var itemPaths = ExpandOfItems(expand);
        foreach (var item in data)
        {
            if (account is null)
            {
                item.WriteTo(w);
            }
            else
            {
                account.Emulator.Expansions.Render(account, item, itemPaths).WriteTo(w);
            }
        }
        w.WriteEndArray();
        w.WriteBoolean("has_more", hasMore);
        w.WriteString("url", url);
        w.WriteEndObject();
    });

    private static List<string> ExpandOfItems(IReadOnlyList<string> expand)
    {
        var paths = new List<string>(expand.Count);
        foreach (var p in expand)
        {
            if (!p.StartsWith("data.", StringComparison.Ordinal))
            {
                throw StripeError.Invalid($"This property cannot be expanded ({p}).", "expand");
            }

            paths.Add(p["data.".Length..]);
        }
        return paths;
    }
}
