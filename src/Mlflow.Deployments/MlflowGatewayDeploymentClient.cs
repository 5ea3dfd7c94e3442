using System.Text.Json.Nodes;
using Mlflow.Deployments.Http;

namespace Mlflow.Deployments;

/// <summary>
/// Target for the AI gateway hosted by an MLflow tracking server (3.8+): predict and streaming predict through
/// <c>POST /gateway/{endpoint}/mlflow/invocations</c>, the OpenAI-compatible
/// <c>/gateway/mlflow/v1/chat/completions</c> and the provider passthroughs. Target URI
/// <c>mlflow-gateway+http://host:port</c>, or construct it with the tracking URI. Endpoint create, update, delete,
/// list and get go through the generated client's <c>/api/3.0/mlflow/gateway/endpoints/*</c> operations.
/// </summary>
public sealed class MlflowGatewayDeploymentClient : EndpointDeploymentClientBase, IDisposable
{
    /// <summary>The scheme prefix of this target's URIs.</summary>
    public const string SchemePrefix = "mlflow-gateway+";

    private readonly DeploymentsTransport _transport;
    private readonly Lazy<MlflowClient> _tracking;
    private readonly bool _ownsTracking;
    private readonly Lazy<GatewayEndpoints> _endpoints;

    /// <summary>Creates a client from a target URI (<c>mlflow-gateway+http://host:port</c>) or a plain tracking URI.</summary>
    /// <param name="targetUri">Target URI; the part after <c>mlflow-gateway+</c> is the tracking URI.</param>
    /// <param name="options">HTTP settings of the runtime routes; <see cref="DeploymentClientOptions.FromEnvironment"/> when null.
    /// Put the tracking server's credentials in <see cref="DeploymentClientOptions.DefaultHeaders"/> or the HttpClient.</param>
    /// <param name="trackingClient">The tracking client used for endpoint CRUD; when null one is made for the tracking
    /// URI on first use (credentials and TLS from MLflow's environment variables) and disposed with this client.</param>
    public MlflowGatewayDeploymentClient(string targetUri, DeploymentClientOptions? options = null, MlflowClient? trackingClient = null)
        : base(targetUri, "The AI gateway serves endpoints, not deployments.")
    {
        var tracking = targetUri.StartsWith(SchemePrefix, StringComparison.OrdinalIgnoreCase) ? targetUri[SchemePrefix.Length..] : targetUri;
        if (!Uri.TryCreate(tracking, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new DeploymentsException($"'{targetUri}' is not an {SchemePrefix}http(s) URI of an MLflow tracking server.");
        }

        TrackingUri = uri;
        _transport = new DeploymentsTransport(uri, options ?? DeploymentClientOptions.FromEnvironment());
        OpenAi = new OpenAiCompatibleApi(_transport, "gateway/mlflow/v1/");
        _ownsTracking = trackingClient is null;
        _tracking = new Lazy<MlflowClient>(() => trackingClient ?? new MlflowClient(new MlflowClientOptions { TrackingUri = uri.AbsoluteUri }));
        _endpoints = new Lazy<GatewayEndpoints>(() => new GatewayEndpoints(_tracking.Value, TargetUri));
    }

    /// <summary>The tracking server's URI.</summary>
    public Uri TrackingUri { get; }

    /// <summary>The OpenAI-compatible routes under <c>/gateway/mlflow/v1/</c> (chat completions; <c>model</c> = endpoint name).</summary>
    public OpenAiCompatibleApi OpenAi { get; }

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

    /// <summary>
    /// <c>POST /api/3.0/mlflow/gateway/endpoints/create</c>. <paramref name="config"/> holds the other fields of
    /// <c>CreateGatewayEndpoint</c> (<c>model_configs</c>, <c>routing_strategy</c>, <c>fallback_config</c>,
    /// <c>experiment_id</c>, <c>usage_tracking</c>, <c>created_by</c>); the endpoint serves as soon as it is created.
    /// </summary>
    public override Task<EndpointInfo> CreateEndpointAsync(
        string name, IReadOnlyDictionary<string, object?>? config = null, CancellationToken cancellationToken = default) =>
        _endpoints.Value.CreateAsync(name, config, cancellationToken);

    /// <summary>
    /// Looks the endpoint id up by name, then <c>POST /api/3.0/mlflow/gateway/endpoints/update</c> with
    /// <paramref name="config"/> (fields of <c>UpdateGatewayEndpoint</c>: <c>name</c> renames, <c>model_configs</c>,
    /// <c>fallback_config</c>, <c>updated_by</c>, ...).
    /// </summary>
    public override Task<EndpointInfo> UpdateEndpointAsync(
        string endpoint, IReadOnlyDictionary<string, object?>? config = null, CancellationToken cancellationToken = default) =>
        _endpoints.Value.UpdateAsync(endpoint, config, cancellationToken);

    /// <summary>Looks the endpoint id up by name, then <c>DELETE /api/3.0/mlflow/gateway/endpoints/delete</c>; a missing endpoint is not an error.</summary>
    public override Task DeleteEndpointAsync(string endpoint, CancellationToken cancellationToken = default) =>
        _endpoints.Value.DeleteAsync(endpoint, cancellationToken);

    /// <summary><c>GET /api/3.0/mlflow/gateway/endpoints/list</c> (one answer holds every endpoint).</summary>
    public override Task<IReadOnlyList<EndpointInfo>> ListEndpointsAsync(CancellationToken cancellationToken = default) =>
        _endpoints.Value.ListAsync(cancellationToken);

    /// <summary><c>GET /api/3.0/mlflow/gateway/endpoints/get?name=...</c>; an unknown name throws <see cref="DeploymentNotFoundException"/>.</summary>
    public override Task<EndpointInfo> GetEndpointAsync(string endpoint, CancellationToken cancellationToken = default) =>
        _endpoints.Value.GetAsync(endpoint, cancellationToken);

    /// <inheritdoc/>
    public void Dispose()
    {
        _transport.Dispose();
        if (_ownsTracking && _tracking.IsValueCreated)
        {
            _tracking.Value.Dispose();
        }
    }

    private static string InvocationsPath(string? endpoint) =>
        "gateway/" + Uri.EscapeDataString(endpoint ?? throw new ArgumentException("An endpoint name is required.", nameof(endpoint))) + "/mlflow/invocations";

}
