using System.Net;
using System.Reflection;
using System.Text;
using Microsoft.Kiota.Abstractions;
using Mlflow.Generators.Tests.Harness;

namespace Mlflow.Generators.Tests;

/// <summary>
/// The generated …Async methods end to end on Kiota's real HttpClientRequestAdapter (only the HTTP transport is a
/// canned handler): success bodies, streams, error mapping, and the hand-written error-mapping hook.
/// </summary>
public sealed class SendTests
{
    // Hand-written code implementing the hook: getMetricHistory declares no error response; map 4XX to ErrorResponse.
    private const string Hook = """
        namespace Mlflow.Client
        {
            internal static partial class MlflowErrorMapping
            {
                static partial void Customize(string operationId, global::System.Collections.Generic.Dictionary<string, global::Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<global::Microsoft.Kiota.Abstractions.Serialization.IParsable>> errorMapping)
                {
                    if (operationId == "getMetricHistory")
                    {
                        errorMapping["4XX"] = global::Mlflow.Client.Models.ErrorResponse.CreateFromDiscriminatorValue;
                    }
                }
            }
        }
        """;

    private static readonly Lazy<Assembly> Compiled = new(() => GeneratorHarness.RunSmall("builders.openapi.json", Hook).Load());

    [Fact]
    public async Task Success_body_is_read_into_the_declared_model()
    {
        var (client, handler) = Client(HttpStatusCode.OK, "application/json", """{"next_page_token": "tok", "extra": 1}""");
        var result = await Send(client.Navigate("Api", "V20", "Mlflow", "Runs", "Search"), "GetAsync");
        Assert.Equal("tok", result!.GetType().GetProperty("NextPageToken")!.GetValue(result));
        Assert.Equal("http://mlflow.test/prefix/api/2.0/mlflow/runs/search", handler.Requests.Single().RequestUri!.AbsoluteUri);
        Assert.Equal(HttpMethod.Get, handler.Requests.Single().Method);
    }

    [Fact]
    public async Task Binary_download_is_a_stream()
    {
        var (client, _) = Client(HttpStatusCode.OK, "application/octet-stream", "raw bytes");
        var result = await Send(client.Navigate("Api", "V20", "MlflowArtifacts", "Artifacts", "[1/r/artifacts/a.bin]"), "GetAsync");
        using var reader = new StreamReader(Assert.IsAssignableFrom<Stream>(result));
        Assert.Equal("raw bytes", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Declared_errors_throw_the_error_model()
    {
        var (client, _) = Client(HttpStatusCode.NotFound, "application/json", """{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "no such webhook"}""");
        var error = await Assert.ThrowsAnyAsync<ApiException>(() => Send(client.Navigate("Api", "V20", "Mlflow", "Webhooks", "[w1]"), "GetAsync"));
        Assert.Equal("Mlflow.Client.Models.ErrorResponse", error.GetType().FullName);
        Assert.Equal("no such webhook", error.Message);
        Assert.Equal(404, error.ResponseStatusCode);
    }

    [Fact]
    public async Task The_error_mapping_hook_is_applied()
    {
        var (client, _) = Client(HttpStatusCode.BadRequest, "application/json", """{"error_code": "INVALID_PARAMETER_VALUE", "message": "bad run"}""");
        var error = await Assert.ThrowsAnyAsync<ApiException>(() => Send(client.Navigate("Api", "V20", "Mlflow", "Metrics", "GetHistory"), "GetAsync"));
        Assert.Equal("Mlflow.Client.Models.ErrorResponse", error.GetType().FullName);
        Assert.Equal("bad run", error.Message);
    }

    [Fact]
    public async Task Cancellation_token_reaches_the_transport()
    {
        var (client, _) = Client(HttpStatusCode.OK, "application/json", "{}");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Send(client.Navigate("Api", "V20", "Mlflow", "Webhooks", "[w1]"), "GetAsync", cts.Token));
    }

    private static (Generated Client, CannedHandler Handler) Client(HttpStatusCode status, string contentType, string body)
    {
        var handler = new CannedHandler(status, contentType, body);
        return (new Generated(Compiled.Value, new HttpClient(handler)), handler);
    }

    /// <summary>Invokes a generated …Async method without body or configuration and returns its result (null for Task).</summary>
    private static async Task<object?> Send(object builder, string method, CancellationToken cancellationToken = default)
    {
        var m = builder.GetType().GetMethod(method)!;
        var task = (Task)m.Invoke(builder, new object?[] { null, cancellationToken })!;
        await task;
        return task.GetType().IsGenericType ? task.GetType().GetProperty("Result")!.GetValue(task) : null;
    }

    private sealed class CannedHandler(HttpStatusCode status, string contentType, string body) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Requests.Add(request);
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            return Task.FromResult(new HttpResponseMessage(status) { Content = content, RequestMessage = request });
        }
    }
}
