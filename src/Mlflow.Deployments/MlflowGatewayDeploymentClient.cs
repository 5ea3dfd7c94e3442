using Microsoft.Kiota.Abstractions;

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
    private readonly MlflowClient _tracking;
    private readonly GatewayEndpoints _endpoints;

    /// <summary>Creates a client from a target URI (<c>mlflow-gateway+http://host:port</c>) or a plain tracking URI.</summary>
    /// <param name="targetUri">Target URI; the part after <c>mlflow-gateway+</c> is the tracking URI.</param>
    /// <param name="options">HTTP settings (retries, timeouts, credentials, TLS); <see cref="DeploymentClientOptions.FromEnvironment"/>
    /// when null. The tracking server's credentials come from the options or MLflow's environment variables
    /// (<c>MLFLOW_TRACKING_USERNAME</c>/<c>PASSWORD</c>, <c>MLFLOW_TRACKING_TOKEN</c>).</param>
    /// <param name="trackingClient">The tracking client used for endpoint CRUD; when null the CRUD calls use this
    /// client's own pipeline. A given client is not disposed.</param>
    public MlflowGatewayDeploymentClient(string targetUri, DeploymentClientOptions? options = null, MlflowClient? trackingClient = null)
        : base(targetUri, "The AI gateway serves endpoints, not deployments.")
    {
        var tracking = targetUri.StartsWith(SchemePrefix, StringComparison.OrdinalIgnoreCase) ? targetUri[SchemePrefix.Length..] : targetUri;
        if (!Uri.TryCreate(tracking, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new DeploymentsException($"'{targetUri}' is not an {SchemePrefix}http(s) URI of an MLflow tracking server.", MlflowErrorCode.InvalidParameterValue);
        }

        TrackingUri = uri;
        _transport = new DeploymentsTransport(uri, options ?? DeploymentClientOptions.FromEnvironment());
        OpenAi = new OpenAiCompatibleApi(_transport, OpenAiCompatibleApi.TrackingGateway);
        // Endpoint CRUD goes through the generated tracking builders on the same pipeline (same credentials, retries
        // and timeouts), unless the caller brings its own tracking client.
        _tracking = trackingClient ?? _transport.Client;
        _endpoints = new GatewayEndpoints(_tracking, TargetUri, _transport.Options.RequestTimeout);
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
        _transport.PredictAsync(Invocations(endpoint ?? deploymentName), inputs, cancellationToken);

    /// <summary>The same route with <c>"stream": true</c>; chunks are the SSE events (<c>[DONE]</c> ends the stream).</summary>
    public override IAsyncEnumerable<PredictionChunk> PredictStreamAsync(
        string? deploymentName = null, JsonNode? inputs = null, string? endpoint = null,
        CancellationToken cancellationToken = default) =>
        _transport.PredictStreamAsync(Invocations(endpoint ?? deploymentName, "text/event-stream"), inputs, cancellationToken);

    /// <summary>
    /// A provider passthrough: <c>POST /gateway/{providerPath}</c>, e.g. <c>openai/v1/chat/completions</c>,
    /// <c>openai/v1/embeddings</c>, <c>openai/v1/responses</c>, <c>anthropic/v1/messages</c>,
    /// <c>gemini/v1beta/models/{endpoint}:generateContent</c>. The body is provider-native (the endpoint name in
    /// <c>model</c>, or in the path for Gemini); the answer is provider-native JSON.
    /// </summary>
    public Task<PredictionsResponse> PassthroughAsync(string providerPath, JsonNode body, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(Passthrough(providerPath), (body ?? throw new ArgumentNullException(nameof(body))).ToJsonString(), _transport.Options.PredictTimeout, cancellationToken);

    /// <summary>
    /// A streaming provider passthrough (e.g. <c>gemini/v1beta/models/{endpoint}:streamGenerateContent</c>, or an
    /// OpenAI route with <c>stream</c> in the body, which the caller sets): yields the SSE chunks; an error frame
    /// throws <see cref="DeploymentsStreamException"/>.
    /// </summary>
    public IAsyncEnumerable<PredictionChunk> PassthroughStreamAsync(string providerPath, JsonNode body, CancellationToken cancellationToken = default) =>
        _transport.StreamAsync(Passthrough(providerPath, "text/event-stream"), (body ?? throw new ArgumentNullException(nameof(body))).ToJsonString(), cancellationToken);

    /// <summary>
    /// <c>POST /api/3.0/mlflow/gateway/endpoints/create</c>. <paramref name="config"/> holds the other fields of
    /// <c>CreateGatewayEndpoint</c> (<c>model_configs</c>, <c>routing_strategy</c>, <c>fallback_config</c>,
    /// <c>experiment_id</c>, <c>usage_tracking</c>, <c>created_by</c>); the endpoint serves as soon as it is created.
    /// </summary>
    public override Task<EndpointInfo> CreateEndpointAsync(
        string name, IReadOnlyDictionary<string, object?>? config = null, CancellationToken cancellationToken = default) =>
        _endpoints.CreateAsync(name, config, cancellationToken);

    /// <summary>
    /// Looks the endpoint id up by name, then <c>POST /api/3.0/mlflow/gateway/endpoints/update</c> with
    /// <paramref name="config"/> (fields of <c>UpdateGatewayEndpoint</c>: <c>name</c> renames, <c>model_configs</c>,
    /// <c>fallback_config</c>, <c>updated_by</c>, ...).
    /// </summary>
    public override Task<EndpointInfo> UpdateEndpointAsync(
        string endpoint, IReadOnlyDictionary<string, object?>? config = null, CancellationToken cancellationToken = default) =>
        _endpoints.UpdateAsync(endpoint, config, cancellationToken);

    /// <summary>Looks the endpoint id up by name, then <c>DELETE /api/3.0/mlflow/gateway/endpoints/delete</c>; a missing endpoint is not an error.</summary>
    public override Task DeleteEndpointAsync(string endpoint, CancellationToken cancellationToken = default) =>
        _endpoints.DeleteAsync(endpoint, cancellationToken);

    /// <summary><c>GET /api/3.0/mlflow/gateway/endpoints/list</c> (one answer holds every endpoint).</summary>
    public override Task<IReadOnlyList<EndpointInfo>> ListEndpointsAsync(CancellationToken cancellationToken = default) =>
        _endpoints.ListAsync(cancellationToken);

    /// <summary><c>GET /api/3.0/mlflow/gateway/endpoints/get?name=...</c>; an unknown name throws <see cref="DeploymentNotFoundException"/>.</summary>
    public override Task<EndpointInfo> GetEndpointAsync(string endpoint, CancellationToken cancellationToken = default) =>
        _endpoints.GetAsync(endpoint, cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => _transport.Dispose();

    private RequestInformation Invocations(string? endpoint, string accept = "application/json") =>
        _transport.Api.Gateway[MlflowDeploymentClient.Name(endpoint)].Mlflow.Invocations
            .ToPostRequestInformation(DeploymentsTransport.AnyJson, DeploymentsTransport.Accept<DefaultQueryParameters>(accept));

    /// <summary>
    /// The provider passthrough routes the spec describes go through their generated builders; any other provider path
    /// (a newer provider, a Gemini model route of another endpoint name pattern) is sent as given under <c>/gateway/</c>.
    /// </summary>
    private RequestInformation Passthrough(string providerPath, string accept = "application/json")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerPath);
        var path = providerPath.TrimStart('/');
        var gateway = _transport.Api.Gateway;
        var config = DeploymentsTransport.Accept<DefaultQueryParameters>(accept);
        return path switch
        {
            "openai/v1/chat/completions" => gateway.Openai.V1.Chat.Completions.ToPostRequestInformation(DeploymentsTransport.AnyJson, config),
            "openai/v1/embeddings" => gateway.Openai.V1.Embeddings.ToPostRequestInformation(DeploymentsTransport.AnyJson, config),
            "openai/v1/responses" => gateway.Openai.V1.Responses.ToPostRequestInformation(DeploymentsTransport.AnyJson, config),
            "anthropic/v1/messages" => gateway.Anthropic.V1.Messages.ToPostRequestInformation(DeploymentsTransport.AnyJson, config),
            _ when GeminiRoute(path) is ({ } model, var stream) => stream
                ? gateway.Gemini.V1beta.Models.WithEndpointNameStreamGenerateContent(model).ToPostRequestInformation(DeploymentsTransport.AnyJson, config)
                : gateway.Gemini.V1beta.Models.WithEndpointNameGenerateContent(model).ToPostRequestInformation(DeploymentsTransport.AnyJson, config),
            _ => WithAccept(_transport.Raw(HttpMethod.Post, "gateway/" + path), accept),
        };
    }

    /// <summary><c>gemini/v1beta/models/{endpoint}:generateContent</c> or <c>:streamGenerateContent</c>: the endpoint name and which.</summary>
    private static (string? Model, bool Stream) GeminiRoute(string path)
    {
        const string prefix = "gemini/v1beta/models/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal)) return (null, false);
        var rest = path[prefix.Length..];
        var colon = rest.LastIndexOf(':');
        if (colon <= 0 || rest.IndexOf('/', StringComparison.Ordinal) >= 0) return (null, false);
        var model = Uri.UnescapeDataString(rest[..colon]);
        return rest[(colon + 1)..] switch
        {
            "generateContent" => (model, false),
            "streamGenerateContent" => (model, true),
            _ => (null, false),
        };
    }

    private static RequestInformation WithAccept(RequestInformation request, string accept)
    {
        request.Headers.Add("Accept", accept);
        return request;
    }

}
