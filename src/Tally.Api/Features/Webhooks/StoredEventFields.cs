using System.Text.Json;

namespace Tally.Api.Features.Webhooks;

/// <summary>The few fields of a snapshot event the inbox stores beside the raw body, read in one forward pass.</summary>
internal sealed record StoredEventFields(string? Id, string? Type, string? ApiVersion, long? Created, string? ObjectId)
{
    /// <summary>
    /// Reads <c>id</c>, <c>type</c>, <c>api_version</c>, <c>created</c> and <c>data.object.id</c> straight
    /// from the UTF-8 body with a <see cref="Utf8JsonReader"/>, skipping the rest (the whole body is still
    /// checked to be one well-formed JSON value): a document object model of every event cost intake a
    /// tenth of its CPU.
    /// </summary>
    /// <exception cref="JsonException">The body is not a JSON object of type <c>event</c>.</exception>
    public static StoredEventFields Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Not a Stripe event.");
        }

        string? id = null, kind = null, type = null, apiVersion = null, objectId = null;
        long? created = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = FieldOf(ref reader);
            reader.Read();
            switch (field)
            {
                case EnvelopeField.Id:
                    id = Text(ref reader);
                    break;
                case EnvelopeField.Object:
                    kind = Text(ref reader);
                    break;
                case EnvelopeField.Type:
                    type = Text(ref reader);
                    break;
                case EnvelopeField.ApiVersion:
                    apiVersion = Text(ref reader);
                    break;
                case EnvelopeField.Created:
                    created = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var t) ? t : null;
                    reader.Skip();
                    break;
                case EnvelopeField.Data:
                    objectId = Member(ref reader, "object"u8, static (ref Utf8JsonReader r) => Member(ref r, "id"u8, Text));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        // Nothing may follow the event object (the reader throws on anything but whitespace).
        if (reader.Read() || kind != "event")
        {
            throw new JsonException("Not a Stripe event.");
        }

        return new StoredEventFields(id, type, apiVersion, created, objectId);
    }

    private delegate string? ValueReader(ref Utf8JsonReader reader);

    private enum EnvelopeField
    {
        Other,
        Id,
        Object,
        Type,
        ApiVersion,
        Created,
        Data,
    }

    private static EnvelopeField FieldOf(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("id"u8) ? EnvelopeField.Id
        : reader.ValueTextEquals("object"u8) ? EnvelopeField.Object
        : reader.ValueTextEquals("type"u8) ? EnvelopeField.Type
        : reader.ValueTextEquals("api_version"u8) ? EnvelopeField.ApiVersion
        : reader.ValueTextEquals("created"u8) ? EnvelopeField.Created
        : reader.ValueTextEquals("data"u8) ? EnvelopeField.Data
        : EnvelopeField.Other;

    /// <summary>The string at the reader, or null for any other value (which is skipped).</summary>
    private static string? Text(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    /// <summary>Reads one member of the object at the reader with <paramref name="read"/>, skipping the others; null when it is not an object.</summary>
    private static string? Member(ref Utf8JsonReader reader, ReadOnlySpan<byte> member, ValueReader read)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? found = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMember = reader.ValueTextEquals(member);
            reader.Read();
            if (isMember)
            {
                found = read(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        return found;
    }
}
