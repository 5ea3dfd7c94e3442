using System.Runtime.CompilerServices;
using Microsoft.Kiota.Abstractions;

namespace Mlflow.Deployments;

/// <summary>
/// The OpenAI-compatible routes of a target: <c>/v1/chat/completions</c>, <c>/v1/completions</c> and
/// <c>/v1/embeddings</c> on the Deployments server, <c>/gateway/mlflow/v1/...</c> on the tracking server's AI
/// gateway. The endpoint is chosen by the body's <c>model</c> field. Typed members take and return the spec's generated
/// models (<c>DeploymentsOpenAi*Request</c>, <c>Deployments*Response</c>, <c>Deployments*Chunk</c>).
/// </summary>
public sealed class OpenAiCompatibleApi
{
    /// <summary>The Deployments server's routes, <c>/v1/...</c>.</summary>
    internal const string DeploymentsServer = "v1/";

    /// <summary>The tracking server's AI gateway routes, <c>/gateway/mlflow/v1/...</c>.</summary>
    internal const string TrackingGateway = "gateway/mlflow/v1/";

    private readonly DeploymentsTransport _transport;
    private readonly string _prefix;

    internal OpenAiCompatibleApi(DeploymentsTransport transport, string prefix)
    {
        _transport = transport;
        _prefix = prefix;
    }

    /// <summary>
    /// The request for <paramref name="route"/> under this prefix: through the generated builder where the spec
    /// describes the route (all three on the Deployments server, chat completions on the gateway), else by URL.
    /// </summary>
    private RequestInformation Request(string route, string accept)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(route);
        var config = DeploymentsTransport.Accept<DefaultQueryParameters>(accept);
        var api = _transport.Api;
        var normalized = route.Trim('/');
        return (_prefix, normalized) switch
        {
            (DeploymentsServer, "chat/completions") => api.V1.Chat.Completions.ToPostRequestInformation(new DeploymentsOpenAiChatRequest(), config),
            (DeploymentsServer, "completions") => api.V1.Completions.ToPostRequestInformation(new DeploymentsOpenAiCompletionsRequest(), config),
            (DeploymentsServer, "embeddings") => api.V1.Embeddings.ToPostRequestInformation(new DeploymentsOpenAiEmbeddingsRequest(), config),
            (TrackingGateway, "chat/completions") => api.Gateway.Mlflow.V1.Chat.Completions.ToPostRequestInformation(new GatewayOpenAiChatRequest(), config),
            _ => ByUrl(_transport.Raw(HttpMethod.Post, _prefix + normalized), accept),
        };
    }

    private static RequestInformation ByUrl(RequestInformation request, string accept)
    {
        request.Headers.Add("Accept", accept);
        return request;
    }

    /// <summary>Chat completion (<c>model</c> = endpoint name).</summary>
    public async Task<DeploymentsChatResponse> ChatAsync(DeploymentsOpenAiChatRequest request, CancellationToken cancellationToken = default) =>
        (await PostAsync("chat/completions", ToNode(request), cancellationToken).ConfigureAwait(false)).AsChat();

    /// <summary>Streamed chat completion.</summary>
    public async IAsyncEnumerable<DeploymentsChatChunk> ChatStreamAsync(
        DeploymentsOpenAiChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var chunk in StreamAsync("chat/completions", ToNode(request), cancellationToken).ConfigureAwait(false))
        {
            yield return chunk.AsChatChunk();
        }
    }

    /// <summary>Text completion (<c>model</c> = endpoint name).</summary>
    public async Task<DeploymentsCompletionsResponse> CompletionsAsync(DeploymentsOpenAiCompletionsRequest request, CancellationToken cancellationToken = default) =>
        (await PostAsync("completions", ToNode(request), cancellationToken).ConfigureAwait(false)).AsCompletions();

    /// <summary>Streamed text completion.</summary>
    public async IAsyncEnumerable<DeploymentsCompletionsChunk> CompletionsStreamAsync(
        DeploymentsOpenAiCompletionsRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var chunk in StreamAsync("completions", ToNode(request), cancellationToken).ConfigureAwait(false))
        {
            yield return chunk.AsCompletionsChunk();
        }
    }

    /// <summary>Embeddings (<c>model</c> = endpoint name).</summary>
    public async Task<DeploymentsEmbeddingsResponse> EmbeddingsAsync(DeploymentsOpenAiEmbeddingsRequest request, CancellationToken cancellationToken = default) =>
        (await PostAsync("embeddings", ToNode(request), cancellationToken).ConfigureAwait(false)).AsEmbeddings();

    /// <summary>Posts any body to a route under the OpenAI-compatible prefix (e.g. <c>chat/completions</c>).</summary>
    public Task<PredictionsResponse> PostAsync(string route, JsonNode body, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(Request(route, "application/json"), (body ?? throw new ArgumentNullException(nameof(body))).ToJsonString(), _transport.Options.PredictTimeout, cancellationToken);

    /// <summary>
    /// Posts a body with <c>"stream": true</c> to a route under the OpenAI-compatible prefix and yields the SSE chunks
    /// (an answer that is not an event stream, such as embeddings, comes back as one chunk).
    /// </summary>
    public IAsyncEnumerable<PredictionChunk> StreamAsync(string route, JsonNode body, CancellationToken cancellationToken = default) =>
        _transport.PredictStreamAsync(Request(route, "text/event-stream"), body, cancellationToken);

    private static JsonObject ToNode(IParsable request) => KiotaJson.ToJsonObject(request);
}

internal static class Streaming
{
    /// <summary>A copy of the body with <c>"stream": true</c> (set or overwritten).</summary>
    public static JsonNode WithStreamFlag(JsonNode? inputs)
    {
        var copy = inputs?.DeepClone() as JsonObject
                   ?? (inputs is null ? new JsonObject() : throw new DeploymentsException("Streaming inputs must be a JSON object.", MlflowErrorCode.InvalidParameterValue));
        copy["stream"] = true;
        return copy;
    }
}
