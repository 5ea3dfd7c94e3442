using System.Text.Json.Nodes;
using Mlflow.Deployments.Http;

namespace Mlflow.Deployments;

/// <summary>
/// Target for the AI gateway hosted by an MLflow tracking server (3.8+): predict and streaming predict through
/// <c>POST /gateway/{endpoint}/mlflow/invocations</c>, the OpenAI-compatible
/// <c>/gateway/mlflow/v1/chat/completions</c> and the provider passthroughs. Target URI
/// <c>mlflow-gateway+http://host:port</c>, or construct it with the tracking URI.
/// </summary>
public sealed class MlflowGatewayDeploymentClient : DeploymentClientBase, IDisposable
{
    /// <summary>The scheme prefix of this target's URIs.</summary>
    public const string SchemePrefix = "mlflow-gateway+";

    private readonly DeploymentsTransport _transport;

    /// <summary>Creates a client from a target URI (<c>mlflow-gateway+http://host:port</c>) or a plain tracking URI.</summary>
    /// <param name="targetUri">Target URI; the part after <c>mlflow-gateway+</c> is the tracking URI.</param>
    /// <param name="options">HTTP settings; <see cref="DeploymentClientOptions.FromEnvironment"/> when null.
    /// Put the tracking server's credentials in <see cref="DeploymentClientOptions.DefaultHeaders"/> or the HttpClient.</param>
    public MlflowGatewayDeploymentClient(string targetUri, DeploymentClientOptions? options = null)
        : base(targetUri)
    {
        var tracking = targetUri.StartsWith(SchemePrefix, StringComparison.OrdinalIgnoreCase) ? targetUri[SchemePrefix.Length..] : targetUri;
        if (!Uri.TryCreate(tracking, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new DeploymentsException($"'{targetUri}' is not an {SchemePrefix}http(s) URI of an MLflow tracking server.");
        }

        TrackingUri = uri;
        _transport = new DeploymentsTransport(uri, options ?? DeploymentClientOptions.FromEnvironment());
        OpenAi = new OpenAiCompatibleApi(_transport, "gateway/mlflow/v1/");
    }

    /// <summary>The tracking server's URI.</summary>
    public Uri TrackingUri { get; }

    /// <summary>The OpenAI-compatible routes under <c>/gateway/mlflow/v1/</c> (chat completions; <c>model</c> = endpoint name).</summary>
    public OpenAiCompatibleApi OpenAi { get; }

    /// <summary>Not supported: the gateway serves endpoints, not deployments.</summary>
    public override Task<DeploymentInfo> CreateDeploymentAsync(
        string name, string modelUri, string? flavor = null, IReadOnlyDictionary<string, object?>? config = null,
        string? endpoint = null, CancellationToken cancellationToken = default) =>
        Task.FromException<DeploymentInfo>(NoDeployments(nameof(CreateDeploymentAsync)));

    /// <summary>Not supported: the gateway serves endpoints, not deployments.</summary>
    public override Task<DeploymentInfo> UpdateDeploymentAsync(
        string name, string? modelUri = null, string? flavor = null, IReadOnlyDictionary<string, object?>? config = null,
        string? endpoint = null, CancellationToken cancellationToken = default) =>
        Task.FromException<DeploymentInfo>(NoDeployments(nameof(UpdateDeploymentAsync)));

    /// <summary>Not supported: the gateway serves endpoints, not deployments.</summary>
    public override Task DeleteDeploymentAsync(
        string name, IReadOnlyDictionary<string, object?>? config = null, string? endpoint = null,
        CancellationToken cancellationToken = default) =>
        Task.FromException(NoDeployments(nameof(DeleteDeploymentAsync)));

    /// <summary>Not supported: the gateway serves endpoints, not deployments.</summary>
    public override Task<IReadOnlyList<DeploymentInfo>> ListDeploymentsAsync(string? endpoint = null, CancellationToken cancellationToken = default) =>
        Task.FromException<IReadOnlyList<DeploymentInfo>>(NoDeployments(nameof(ListDeploymentsAsync)));

    /// <summary>Not supported: the gateway serves endpoints, not deployments.</summary>
    public override Task<DeploymentInfo> GetDeploymentAsync(string name, string? endpoint = null, CancellationToken cancellationToken = default) =>
        Task.FromException<DeploymentInfo>(NoDeployments(nameof(GetDeploymentAsync)));

    /// <summary>
    /// <c>POST /gateway/{endpoint}/mlflow/invocations</c>: a chat body (<c>messages</c>) or an embeddings body
    /// (<c>input</c>). <paramref name="deploymentName"/> is accepted in place of <paramref name="endpoint"/>.
    /// </summary>
    public override Task<PredictionsResponse> PredictAsync(
        string? deploymentName = null, JsonNode? inputs = null, string? endpoint = null,
        CancellationToken cancellationToken = default) =>
        _transport.SendAsync(
            HttpMethod.Post, InvocationsPath(endpoint ?? deploymentName), (inputs ?? new JsonObject()).ToJsonString(),
            _transport.Options.PredictTimeout, cancellationToken);

    /// <summary>The same route with <c>"stream": true</c>; chunks are the SSE events (<c>[DONE]</c> ends the stream).</summary>
    public override IAsyncEnumerable<PredictionChunk> PredictStreamAsync(
        string? deploymentName = null, JsonNode? inputs = null, string? endpoint = null,
        CancellationToken cancellationToken = default) =>
        _transport.StreamAsync(InvocationsPath(endpoint ?? deploymentName), Streaming.WithStreamFlag(inputs).ToJsonString(), cancellationToken);

    /// <summary>
    /// A provider passthrough: <c>POST /gateway/{providerPath}</c>, e.g. <c>openai/v1/chat/completions</c>,
    /// <c>openai/v1/embeddings</c>, <c>openai/v1/responses</c>, <c>anthropic/v1/messages</c>,
    /// <c>gemini/v1beta/models/{endpoint}:generateContent</c>. The body is provider-native (the endpoint name in
    /// <c>model</c>, or in the path for Gemini); the answer is provider-native JSON.
    /// </summary>
    public Task<PredictionsResponse> PassthroughAsync(string providerPath, JsonNode body, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Post, "gateway/" + providerPath.TrimStart('/'), body.ToJsonString(), _transport.Options.PredictTimeout, cancellationToken);

    /// <summary>
    /// A streaming provider passthrough (e.g. <c>gemini/v1beta/models/{endpoint}:streamGenerateContent</c>, or an
    /// OpenAI route with <c>stream</c> in the body, which the caller sets): yields the SSE chunks; an error frame
    /// throws <see cref="DeploymentsStreamException"/>.
    /// </summary>
    public IAsyncEnumerable<PredictionChunk> PassthroughStreamAsync(string providerPath, JsonNode body, CancellationToken cancellationToken = default) =>
        _transport.StreamAsync("gateway/" + providerPath.TrimStart('/'), body.ToJsonString(), cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => _transport.Dispose();

    private static string InvocationsPath(string? endpoint) =>
        "gateway/" + Uri.EscapeDataString(endpoint ?? throw new ArgumentException("An endpoint name is required.", nameof(endpoint))) + "/mlflow/invocations";

    private DeploymentOperationNotSupportedException NoDeployments(string operation) =>
        NotSupported(operation, "The AI gateway serves endpoints, not deployments.");
}
