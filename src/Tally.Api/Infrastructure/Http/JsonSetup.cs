using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tally.Api.Infrastructure.Http;

internal static class JsonSetup
{
    /// <summary>snake_case everywhere, in requests, responses and the API description.</summary>
    public static void AddTallyJson(this WebApplicationBuilder builder) =>
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DictionaryKeyPolicy = null;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
}
