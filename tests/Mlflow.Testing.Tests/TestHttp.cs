using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Mlflow.Testing.Tests;

/// <summary>An answer of the server: status, text and JSON (when it is JSON).</summary>
internal sealed record Answer(int Status, string Text, JsonNode? Json)
{
    public string? ErrorCode => (string?)Json?["error_code"];

    public JsonNode Ok()
    {
        Assert.True(Status == 200, $"expected 200, got {Status}: {Text}");
        return Json ?? new JsonObject();
    }
}

/// <summary>JSON over HttpClient against one server (its base URI may be re-pointed after a restart).</summary>
internal sealed class TestHttp(Uri baseUri) : IDisposable
{
    private static readonly JsonSerializerOptions IgnoreNulls = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly HttpClient client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(1) });

    public Uri BaseUri { get; set; } = baseUri;

    public Task<Answer> Get(string pathAndQuery) => Send(HttpMethod.Get, pathAndQuery, null);

    public Task<Answer> Post(string path, object body) => Send(HttpMethod.Post, path, body);

    public Task<Answer> Patch(string path, object body) => Send(HttpMethod.Patch, path, body);

    public Task<Answer> Delete(string path, object? body = null) => Send(HttpMethod.Delete, path, body);

    public async Task<Answer> Put(string path, byte[] content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(BaseUri, path)) { Content = new ByteArrayContent(content) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await Read(await client.SendAsync(request));
    }

    public async Task<byte[]> Bytes(string pathAndQuery)
    {
        using var response = await client.GetAsync(new Uri(BaseUri, pathAndQuery));
        Assert.Equal(200, (int)response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    public async Task<Answer> Send(HttpMethod method, string pathAndQuery, object? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseUri, pathAndQuery));
        if (body is not null)
        {
            var text = body is JsonNode node ? node.ToJsonString() : body as string ?? JsonSerializer.Serialize(body, IgnoreNulls);
            request.Content = new StringContent(text, Encoding.UTF8, "application/json");
        }
        return await Read(await client.SendAsync(request));
    }

    private static async Task<Answer> Read(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            JsonNode? json = null;
            if (response.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0) json = JsonNode.Parse(text);
            return new Answer((int)response.StatusCode, text, json);
        }
    }

    public void Dispose() => client.Dispose();
}

/// <summary>A fresh directory under the temp folder, removed afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlflow-testing-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
