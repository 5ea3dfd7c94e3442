namespace Mlflow.Deployments;

/// <summary>Built-in plugin for MLflow's Deployments server: targets <c>http</c> and <c>https</c>.</summary>
public sealed class MlflowDeploymentsPlugin : IDeploymentTargetPlugin
{
    private readonly Func<DeploymentClientOptions>? _options;

    /// <summary>Creates the plugin; clients read MLflow's environment variables unless <paramref name="options"/> is given.</summary>
    public MlflowDeploymentsPlugin(Func<DeploymentClientOptions>? options = null) => _options = options;

    /// <inheritdoc/>
    public IReadOnlyList<string> TargetNames { get; } = ["http", "https"];

    /// <inheritdoc/>
    public IDeploymentClient CreateClient(string targetUri) => new MlflowDeploymentClient(targetUri, _options?.Invoke());

    /// <summary>Not supported: the Deployments server is started with <c>mlflow gateway start</c>.</summary>
    public Task RunLocalAsync(
        string name, string modelUri, string? flavor = null, IReadOnlyDictionary<string, object?>? config = null,
        CancellationToken cancellationToken = default) =>
        Task.FromException(new DeploymentOperationNotSupportedException(
            nameof(RunLocalAsync), "http", "Start a Deployments server with `mlflow gateway start --config-path <file>`."));

    /// <inheritdoc/>
    public string TargetHelp() =>
        """
        MLflow Deployments server (the process started with `mlflow gateway start --config-path <file>`).

        Target URI: http://<host>:<port> or https://<host>:<port>, optionally with a path prefix.
        Supported: PredictAsync / PredictStreamAsync (endpoint = endpoint name; POST /endpoints/{name}/invocations,
        streaming as Server-Sent Events), ListEndpointsAsync (follows next_page_token), GetEndpointAsync.
        Endpoints are defined in the server's configuration file: create/update/delete endpoint and every
        deployment member answer "not supported by this target".
        Environment: MLFLOW_DEPLOYMENT_PREDICT_TIMEOUT (120 s), MLFLOW_DEPLOYMENT_CLIENT_HTTP_REQUEST_TIMEOUT (300 s),
        MLFLOW_HTTP_REQUEST_MAX_RETRIES (7), MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR (2); retried statuses 429, 500, 502, 503.
        """;
}

/// <summary>
/// Built-in plugin for the AI gateway hosted by an MLflow tracking server (3.8+): targets
/// <c>mlflow-gateway+http</c> and <c>mlflow-gateway+https</c>, e.g. <c>mlflow-gateway+http://localhost:5000</c>.
/// </summary>
public sealed class MlflowGatewayPlugin : IDeploymentTargetPlugin
{
    private readonly Func<DeploymentClientOptions>? _options;

    /// <summary>Creates the plugin; clients read MLflow's environment variables unless <paramref name="options"/> is given.</summary>
    public MlflowGatewayPlugin(Func<DeploymentClientOptions>? options = null) => _options = options;

    /// <inheritdoc/>
    public IReadOnlyList<string> TargetNames { get; } = [MlflowGatewayDeploymentClient.SchemePrefix + "http", MlflowGatewayDeploymentClient.SchemePrefix + "https"];

    /// <inheritdoc/>
    public IDeploymentClient CreateClient(string targetUri) => new MlflowGatewayDeploymentClient(targetUri, _options?.Invoke());

    /// <summary>Not supported: the gateway runs inside the tracking server.</summary>
    public Task RunLocalAsync(
        string name, string modelUri, string? flavor = null, IReadOnlyDictionary<string, object?>? config = null,
        CancellationToken cancellationToken = default) =>
        Task.FromException(new DeploymentOperationNotSupportedException(
            nameof(RunLocalAsync), TargetNames[0], "The AI gateway runs inside `mlflow server`."));

    /// <inheritdoc/>
    public string TargetHelp() =>
        """
        AI gateway of an MLflow tracking server (MLflow 3.8+).

        Target URI: mlflow-gateway+http://<host>:<port> or mlflow-gateway+https://... (the tracking URI behind the
        prefix). Supported: PredictAsync / PredictStreamAsync (endpoint = gateway endpoint name;
        POST /gateway/{name}/mlflow/invocations), the OpenAI-compatible /gateway/mlflow/v1/chat/completions (OpenAi)
        and provider passthroughs (/gateway/openai/..., /gateway/anthropic/..., /gateway/gemini/...).
        Endpoints: CreateEndpointAsync(name, config), UpdateEndpointAsync(name, config), DeleteEndpointAsync(name),
        ListEndpointsAsync(), GetEndpointAsync(name) through /api/3.0/mlflow/gateway/endpoints/*; config keys are the
        fields of CreateGatewayEndpoint / UpdateGatewayEndpoint (model_configs, routing_strategy, fallback_config,
        experiment_id, usage_tracking, created_by / updated_by). Credentials: MLFLOW_TRACKING_USERNAME/PASSWORD or
        MLFLOW_TRACKING_TOKEN. Deployment members answer "not supported by this target".
        """;
}
