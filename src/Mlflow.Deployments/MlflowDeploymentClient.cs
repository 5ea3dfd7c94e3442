using Microsoft.Kiota.Abstractions;

namespace Mlflow.Deployments;

/// <summary>
/// The built-in target for MLflow's own Deployments server (<c>http://host:port</c>, <c>https://...</c>; the process
/// started with <c>mlflow gateway start</c>): the .NET counterpart of <c>get_deploy_client("http://host:port")</c>.
/// Endpoints are read-only here and deployments do not exist, exactly as in MLflow's client. Requests are built by
/// the generated request builders of the spec's <c>deployments</c> operations and sent through the client's HTTP
/// pipeline (<see cref="MlflowHttpPipeline"/>) with the options' retries and timeouts.
/// </summary>
public sealed class MlflowDeploymentClient : EndpointDeploymentClientBase, IDisposable
{
    private readonly DeploymentsTransport _transport;

    /// <summary>Creates a client for the Deployments server at <paramref name="targetUri"/> (may carry a path prefix).</summary>
    /// <param name="targetUri">Base URI of the server, <c>http</c> or <c>https</c>.</param>
    /// <param name="options">HTTP settings; <see cref="DeploymentClientOptions.FromEnvironment"/> when null.</param>
    public MlflowDeploymentClient(string targetUri, DeploymentClientOptions? options = null)
        : base(targetUri, "The MLflow Deployments server serves endpoints, not deployments.")
    {
        if (!Uri.TryCreate(targetUri, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new DeploymentsException($"'{targetUri}' is not an http(s) URI of an MLflow Deployments server.", MlflowErrorCode.InvalidParameterValue);
        }

        _transport = new DeploymentsTransport(uri, options ?? DeploymentClientOptions.FromEnvironment());
        OpenAi = new OpenAiCompatibleApi(_transport, OpenAiCompatibleApi.DeploymentsServer);
        Legacy = new LegacyGatewayApi(_transport);
    }

    /// <summary>The base URI requests are resolved against.</summary>
    public Uri BaseUri => _transport.BaseUri;

    /// <summary>The OpenAI-compatible routes <c>/v1/chat/completions</c>, <c>/v1/completions</c>, <c>/v1/embeddings</c>.</summary>
    public OpenAiCompatibleApi OpenAi { get; }

    /// <summary>The deprecated AI Gateway routes the server still serves (<c>/api/2.0/gateway/...</c>, <c>/gateway/{name}/invocations</c>).</summary>
    public LegacyGatewayApi Legacy { get; }

    /// <summary>
    /// <c>POST /endpoints/{endpoint}/invocations</c> with <paramref name="inputs"/> as the body
    /// (<c>MLFLOW_DEPLOYMENT_PREDICT_TIMEOUT</c> applies). <paramref name="endpoint"/> names the endpoint;
    /// <paramref name="deploymentName"/> is accepted in its place.
    /// </summary>
    public override Task<PredictionsResponse> PredictAsync(
        string? deploymentName = null, JsonNode? inputs = null, string? endpoint = null,
        CancellationToken cancellationToken = default) =>
        _transport.PredictAsync(Invocations(endpoint ?? deploymentName), inputs, cancellationToken);

    /// <summary>The same route with <c>"stream": true</c>; chunks are the server's SSE events.</summary>
    public override IAsyncEnumerable<PredictionChunk> PredictStreamAsync(
        string? deploymentName = null, JsonNode? inputs = null, string? endpoint = null,
        CancellationToken cancellationToken = default) =>
        _transport.PredictStreamAsync(Invocations(endpoint ?? deploymentName, "text/event-stream"), inputs, cancellationToken);

    /// <summary>Not supported: endpoints come from the server's configuration file (MLflow raises <c>NotImplementedError</c>).</summary>
    public override Task<EndpointInfo> CreateEndpointAsync(
        string name, IReadOnlyDictionary<string, object?>? config = null, CancellationToken cancellationToken = default) =>
        Task.FromException<EndpointInfo>(ReadOnlyEndpoints(nameof(CreateEndpointAsync)));

    /// <summary>Not supported: endpoints come from the server's configuration file.</summary>
    public override Task<EndpointInfo> UpdateEndpointAsync(
        string endpoint, IReadOnlyDictionary<string, object?>? config = null, CancellationToken cancellationToken = default) =>
        Task.FromException<EndpointInfo>(ReadOnlyEndpoints(nameof(UpdateEndpointAsync)));

    /// <summary>Not supported: endpoints come from the server's configuration file.</summary>
    public override Task DeleteEndpointAsync(string endpoint, CancellationToken cancellationToken = default) =>
        Task.FromException(ReadOnlyEndpoints(nameof(DeleteEndpointAsync)));

    /// <summary>Every endpoint: <c>GET /api/2.0/endpoints/</c>, following <c>next_page_token</c>.</summary>
    public override async Task<IReadOnlyList<EndpointInfo>> ListEndpointsAsync(CancellationToken cancellationToken = default)
    {
        var all = new List<EndpointInfo>();
        string? token = null;
        do
        {
            var page = await ListEndpointsPageRawAsync(token, cancellationToken).ConfigureAwait(false);
            if (page["endpoints"] is JsonArray endpoints)
            {
                all.AddRange(endpoints.OfType<JsonObject>().Select(e => EndpointInfo.FromJson((JsonObject)e.DeepClone())));
            }

            token = page["next_page_token"] is JsonValue v && v.TryGetValue<string>(out var t) && t.Length > 0 ? t : null;
        }
        while (token is not null);

        return all;
    }

    /// <summary>One page of <c>GET /api/2.0/endpoints/</c>.</summary>
    /// <param name="pageToken">Token from the previous page; null for the first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<DeploymentsListEndpointsResponse> ListEndpointsPageAsync(string? pageToken = null, CancellationToken cancellationToken = default) =>
        (await _transport.GetAsync(EndpointsPage(pageToken), cancellationToken).ConfigureAwait(false))
        .Parse(DeploymentsListEndpointsResponse.CreateFromDiscriminatorValue);

    /// <summary><c>GET /api/2.0/endpoints/{endpoint}</c>; an unknown name throws <see cref="DeploymentNotFoundException"/>.</summary>
    public override async Task<EndpointInfo> GetEndpointAsync(string endpoint, CancellationToken cancellationToken = default) =>
        EndpointInfo.FromJson(await GetObjectAsync(Api.Api.V20.Endpoints[Name(endpoint)].ToGetRequestInformation(DeploymentsTransport.Accept<DefaultQueryParameters>()), cancellationToken).ConfigureAwait(false));

    /// <summary>The hidden <c>GET /api/3.0/gateway/endpoint/{endpoint}</c> (same data as <see cref="GetEndpointAsync"/>).</summary>
    public async Task<EndpointInfo> GetEndpointV3Async(string endpoint, CancellationToken cancellationToken = default) =>
        EndpointInfo.FromJson(await GetObjectAsync(Api.Api.V30.Gateway.Endpoint[Name(endpoint)].ToGetRequestInformation(DeploymentsTransport.Accept<DefaultQueryParameters>()), cancellationToken).ConfigureAwait(false));

    /// <summary>A traffic route: the hidden <c>GET /api/3.0/gateway/route/{route}</c>
    /// (<c>{name, task_type, destinations, routing_strategy}</c>).</summary>
    public Task<JsonObject> GetTrafficRouteAsync(string route, CancellationToken cancellationToken = default) =>
        GetObjectAsync(Api.Api.V30.Gateway.Route[Name(route)].ToGetRequestInformation(DeploymentsTransport.Accept<DefaultQueryParameters>()), cancellationToken);

    /// <summary><c>GET /api/2.0/endpoints/limits/{endpoint}</c> (the server answers 501 at MLflow 3.11).</summary>
    public Task<JsonObject> GetLimitsAsync(string endpoint, CancellationToken cancellationToken = default) =>
        GetObjectAsync(Api.Api.V20.Endpoints.Limits[Name(endpoint)].ToGetRequestInformation(DeploymentsTransport.Accept<DefaultQueryParameters>()), cancellationToken);

    /// <summary><c>POST /api/2.0/endpoints/limits/</c> with <c>{route, limits}</c> (501 at MLflow 3.11, 422 when fields are missing).</summary>
    public async Task<JsonObject> SetLimitsAsync(JsonObject request, CancellationToken cancellationToken = default) =>
        AsObject(await _transport.SendAsync(
            Api.Api.V20.Endpoints.Limits.Slash.ToPostRequestInformation(new DeploymentsSetLimitsRequest(), DeploymentsTransport.Accept<DefaultQueryParameters>()),
            (request ?? throw new ArgumentNullException(nameof(request))).ToJsonString(), _transport.Options.RequestTimeout, cancellationToken).ConfigureAwait(false));

    /// <summary><c>GET /health</c>: <c>{"status": "OK"}</c>.</summary>
    public Task<JsonObject> HealthAsync(CancellationToken cancellationToken = default) =>
        GetObjectAsync(Api.Health.ToGetRequestInformation(DeploymentsTransport.Accept<DefaultQueryParameters>()), cancellationToken);

    /// <summary><c>GET /openapi.json</c>: FastAPI's own description of the server, as text.</summary>
    public async Task<string> GetOpenApiDocumentAsync(CancellationToken cancellationToken = default) =>
        (await _transport.GetAsync(_transport.Raw(HttpMethod.Get, "openapi.json"), cancellationToken).ConfigureAwait(false)).RawJson;

    /// <summary>
    /// Sends any request to the server through the same policy (retries, timeouts, error mapping): an escape hatch
    /// for routes this client does not model. <paramref name="body"/> is sent as is with <c>Content-Type: application/json</c>.
    /// </summary>
    public Task<PredictionsResponse> SendAsync(HttpMethod method, string relativeUri, string? body = null, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(_transport.Raw(method, relativeUri), body, _transport.Options.RequestTimeout, cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => _transport.Dispose();

    /// <summary>The generated request builders this client sends through (the spec's <c>deployments</c> operations).</summary>
    private Mlflow.Client.MlflowApiClient Api => _transport.Api;

    /// <summary>A non-empty endpoint, route or deployment name (checked before anything is sent).</summary>
    internal static string Name(string? name, string parameter = "endpoint") =>
        string.IsNullOrEmpty(name) ? throw new ArgumentException("An endpoint name is required.", parameter) : name;

    private RequestInformation EndpointsPage(string? pageToken) =>
        Api.Api.V20.Endpoints.Slash.ToGetRequestInformation(
            DeploymentsTransport.Accept<Mlflow.Client.Api.V20.Endpoints.Slash.SlashRequestBuilder.SlashRequestBuilderGetQueryParameters>(query: q => q.PageToken = pageToken));

    private RequestInformation Invocations(string? endpoint, string accept = "application/json") =>
        Api.Endpoints[Name(endpoint)].Invocations.ToPostRequestInformation(DeploymentsTransport.AnyJson, DeploymentsTransport.Accept<DefaultQueryParameters>(accept));

    private async Task<JsonObject> ListEndpointsPageRawAsync(string? token, CancellationToken cancellationToken) =>
        AsObject(await _transport.GetAsync(EndpointsPage(token), cancellationToken).ConfigureAwait(false));

    private async Task<JsonObject> GetObjectAsync(RequestInformation request, CancellationToken cancellationToken) =>
        AsObject(await _transport.GetAsync(request, cancellationToken).ConfigureAwait(false));

    internal static JsonObject AsObject(PredictionsResponse response) =>
        response.Json?.DeepClone() as JsonObject
        ?? throw new DeploymentsException($"Expected a JSON object, got: {Truncate(response.RawJson)}");

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "...";



    private DeploymentOperationNotSupportedException ReadOnlyEndpoints(string operation) =>
        NotSupported(operation, "Endpoints of the MLflow Deployments server come from its configuration file.");
}

/// <summary>
/// The deprecated AI Gateway routes a Deployments server still serves: <c>/api/2.0/gateway/routes/</c>,
/// <c>/api/2.0/gateway/limits/</c> and the <c>/gateway/{name}/invocations</c> alias.
/// </summary>
public sealed class LegacyGatewayApi
{
    private readonly DeploymentsTransport _transport;

    internal LegacyGatewayApi(DeploymentsTransport transport) => _transport = transport;

    /// <summary>One page of <c>GET /api/2.0/gateway/routes/</c> (<c>{routes, next_page_token}</c>).</summary>
    public async Task<JsonObject> ListRoutesPageAsync(string? pageToken = null, CancellationToken cancellationToken = default) =>
        MlflowDeploymentClient.AsObject(await _transport.GetAsync(
            _transport.Api.Api.V20.Gateway.Routes.Slash.ToGetRequestInformation(
                DeploymentsTransport.Accept<Mlflow.Client.Api.V20.Gateway.Routes.Slash.SlashRequestBuilder.SlashRequestBuilderGetQueryParameters>(query: q => q.PageToken = pageToken)),
            cancellationToken).ConfigureAwait(false));

    /// <summary><c>GET /api/2.0/gateway/routes/{route}</c>.</summary>
    public async Task<EndpointInfo> GetRouteAsync(string route, CancellationToken cancellationToken = default) =>
        EndpointInfo.FromJson(MlflowDeploymentClient.AsObject(await _transport.GetAsync(
            _transport.Api.Api.V20.Gateway.Routes[MlflowDeploymentClient.Name(route, nameof(route))].ToGetRequestInformation(DeploymentsTransport.Accept<DefaultQueryParameters>()),
            cancellationToken).ConfigureAwait(false)));

    /// <summary><c>GET /api/2.0/gateway/limits/{endpoint}</c> (501 at MLflow 3.11).</summary>
    public async Task<JsonObject> GetLimitsAsync(string endpoint, CancellationToken cancellationToken = default) =>
        MlflowDeploymentClient.AsObject(await _transport.GetAsync(
            _transport.Api.Api.V20.Gateway.Limits[MlflowDeploymentClient.Name(endpoint)].ToGetRequestInformation(DeploymentsTransport.Accept<DefaultQueryParameters>()),
            cancellationToken).ConfigureAwait(false));

    /// <summary><c>POST /gateway/{endpoint}/invocations</c>: the legacy alias of the invocations route.</summary>
    public Task<PredictionsResponse> InvokeAsync(string endpoint, JsonNode inputs, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(
            _transport.Api.Gateway[MlflowDeploymentClient.Name(endpoint)].Invocations.ToPostRequestInformation(DeploymentsTransport.AnyJson, DeploymentsTransport.Accept<DefaultQueryParameters>()),
            (inputs ?? throw new ArgumentNullException(nameof(inputs))).ToJsonString(), _transport.Options.PredictTimeout, cancellationToken);
}
