using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Mlflow.Contract.Tests.Infrastructure;

/// <summary>An answer: status, media type, parsed JSON body (when JSON) and raw bytes.</summary>
public sealed record RawAnswer(int Status, string? MediaType, JsonNode? Json, byte[] Bytes, HttpResponseMessage Message)
{
    public string Text => Encoding.UTF8.GetString(Bytes);

    public string? ErrorCode => (string?)Json?["error_code"];
}

/// <summary>Raw HTTP against the server under test (through a <see cref="RecordingHandler"/>), for wire-level checks.</summary>
public sealed class RawMlflow : IDisposable
{
    private static readonly System.Text.Json.JsonSerializerOptions IgnoreNulls = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
    private readonly HttpClient client;

    public RawMlflow(Uri baseUri)
    {
        Recorder = new RecordingHandler();
        client = new HttpClient(Recorder) { BaseAddress = new Uri(baseUri.ToString().TrimEnd('/') + "/") };
    }

    public RecordingHandler Recorder { get; }

    public Task<RawAnswer> GetAsync(string pathAndQuery) => SendAsync(HttpMethod.Get, pathAndQuery, null);

    public Task<RawAnswer> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, body);

    public Task<RawAnswer> DeleteAsync(string path, object? body = null) => SendAsync(HttpMethod.Delete, path, body);

    public Task<RawAnswer> PatchAsync(string path, object body) => SendAsync(HttpMethod.Patch, path, body);

    public async Task<RawAnswer> SendAsync(HttpMethod method, string pathAndQuery, object? body, string contentType = "application/json", IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery.TrimStart('/'));
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        if (body is not null)
        {
            var bytes = body switch
            {
                byte[] b => b,
                string s => Encoding.UTF8.GetBytes(s),
                JsonNode n => Encoding.UTF8.GetBytes(n.ToJsonString()),
                _ => Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(body, IgnoreNulls)),
            };
            request.Content = new ByteArrayContent(bytes);
            if (contentType.Length > 0) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        var response = await client.SendAsync(request);
        var raw = await response.Content.ReadAsByteArrayAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        JsonNode? json = null;
        if (mediaType == "application/json" && raw.Length > 0) json = JsonNode.Parse(raw);
        return new RawAnswer((int)response.StatusCode, mediaType, json, raw, response);
    }

    public void Dispose() => client.Dispose();
}
