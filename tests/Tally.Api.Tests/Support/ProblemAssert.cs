using System.Net;
using System.Text.Json;

namespace Tally.Api.Tests.Support;

public static class ProblemAssert
{
    /// <summary>Asserts an RFC 7807 answer with the given status and stable code, and returns its body.</summary>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? code = null)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        // Every problem names its type (RFC 9457), whatever the status.
        Assert.False(string.IsNullOrEmpty(json.GetProperty("type").GetString()), $"no type: {body}");
        if (code is not null)
        {
            Assert.Equal(code, json.GetProperty("code").GetString());
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(json.GetProperty("code").GetString()));
        }

        return json;
    }
}
