using System.Text.Json;

namespace Tally.Api.Features.Webhooks;

/// <summary>The few fields of a snapshot event the inbox stores beside the raw body, read in one pass.</summary>
internal sealed record StoredEventFields(string? Id, string? Type, string? ApiVersion, long? Created, string? ObjectId)
{
    /// <exception cref="JsonException">The body is not a JSON object of type <c>event</c>.</exception>
    public static StoredEventFields Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || Text(root, "object") != "event")
        {
            throw new JsonException("Not a Stripe event.");
        }

        string? objectId = null;
        if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object &&
            data.TryGetProperty("object", out var obj) && obj.ValueKind == JsonValueKind.Object)
        {
            objectId = Text(obj, "id");
        }

        long? created = root.TryGetProperty("created", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out var t) ? t : null;
        return new StoredEventFields(Text(root, "id"), Text(root, "type"), Text(root, "api_version"), created, objectId);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
