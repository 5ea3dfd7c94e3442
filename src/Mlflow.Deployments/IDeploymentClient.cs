namespace Mlflow.Deployments;

/// <summary>
/// A client for one deployment target: the .NET shape of MLflow's <c>BaseDeploymentClient</c>. Obtain one with
/// <see cref="DeploymentClients.Get(string)"/>; implement one (usually by deriving from
/// <see cref="DeploymentClientBase"/>) in a plugin.
/// </summary>
/// <remarks>
/// Semantics kept from MLflow: create/update block until the deployment can serve unless the target documents
/// otherwise; delete is idempotent; list returns every item (paging is the client's business); get/predict on an
/// unknown name throw <see cref="DeploymentNotFoundException"/> (or another <see cref="DeploymentsException"/>);
/// members a target lacks throw <see cref="DeploymentOperationNotSupportedException"/>.
/// </remarks>
public interface IDeploymentClient
{
    /// <summary>The target URI this client was made for.</summary>
    string TargetUri { get; }

    /// <summary>Deploys <paramref name="modelUri"/> under <paramref name="name"/> (MLflow <c>create_deployment</c>).</summary>
    /// <param name="name">Unique deployment name; a conflict throws.</param>
    /// <param name="modelUri">URI of the model to deploy.</param>
    /// <param name="flavor">Model flavor; null lets the target choose.</param>
    /// <param name="config">Target-specific configuration.</param>
    /// <param name="endpoint">Endpoint to deploy to, for targets that have endpoints.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The created deployment (carries its name).</returns>
    Task<DeploymentInfo> CreateDeploymentAsync(
        string name, string modelUri, string? flavor = null, IReadOnlyDictionary<string, object?>? config = null,
        string? endpoint = null, CancellationToken cancellationToken = default);

    /// <summary>Updates a deployment's model, flavor and/or configuration (MLflow <c>update_deployment</c>).</summary>
    /// <param name="name">Deployment name.</param>
    /// <param name="modelUri">New model URI; required when <paramref name="flavor"/> is given.</param>
    /// <param name="flavor">New flavor.</param>
    /// <param name="config">Target-specific configuration changes.</param>
    /// <param name="endpoint">Endpoint of the deployment, for targets that have endpoints.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updated deployment.</returns>
    Task<DeploymentInfo> UpdateDeploymentAsync(
        string name, string? modelUri = null, string? flavor = null, IReadOnlyDictionary<string, object?>? config = null,
        string? endpoint = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a deployment; deleting a missing one succeeds (MLflow <c>delete_deployment</c>).</summary>
    /// <param name="name">Deployment name.</param>
    /// <param name="config">Target-specific configuration.</param>
    /// <param name="endpoint">Endpoint of the deployment, for targets that have endpoints.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task DeleteDeploymentAsync(
        string name, IReadOnlyDictionary<string, object?>? config = null, string? endpoint = null,
        CancellationToken cancellationToken = default);

    /// <summary>Lists every deployment, unpaginated (MLflow <c>list_deployments</c>).</summary>
    /// <param name="endpoint">Restrict to one endpoint, for targets that have endpoints.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<IReadOnlyList<DeploymentInfo>> ListDeploymentsAsync(string? endpoint = null, CancellationToken cancellationToken = default);

    /// <summary>Describes one deployment; an unknown name throws (MLflow <c>get_deployment</c>).</summary>
    /// <param name="name">Deployment name.</param>
    /// <param name="endpoint">Endpoint of the deployment, for targets that have endpoints.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<DeploymentInfo> GetDeploymentAsync(string name, string? endpoint = null, CancellationToken cancellationToken = default);

    /// <summary>Computes predictions (MLflow <c>predict</c>).</summary>
    /// <param name="deploymentName">Deployment to query (targets with deployments).</param>
    /// <param name="inputs">The request body, e.g. <c>{"messages": [...]}</c> for a chat endpoint.</param>
    /// <param name="endpoint">Endpoint to query (targets with endpoints).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<PredictionsResponse> PredictAsync(
        string? deploymentName = null, JsonNode? inputs = null, string? endpoint = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Computes predictions as a stream of chunks (MLflow <c>predict_stream</c>). Enumeration ends when the
    /// target ends the stream; a broken stream or an error frame throws <see cref="DeploymentsStreamException"/>.
    /// </summary>
    /// <param name="deploymentName">Deployment to query (targets with deployments).</param>
    /// <param name="inputs">The request body; targets add their own streaming flag.</param>
    /// <param name="endpoint">Endpoint to query (targets with endpoints).</param>
    /// <param name="cancellationToken">Cancels the call, also in the middle of the stream.</param>
    IAsyncEnumerable<PredictionChunk> PredictStreamAsync(
        string? deploymentName = null, JsonNode? inputs = null, string? endpoint = null,
        CancellationToken cancellationToken = default);

    /// <summary>Explains predictions (MLflow <c>explain</c>, optional).</summary>
    /// <param name="deploymentName">Deployment to query.</param>
    /// <param name="df">Inputs to explain (a JSON table).</param>
    /// <param name="endpoint">Endpoint to query.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<JsonNode?> ExplainAsync(
        string? deploymentName = null, JsonNode? df = null, string? endpoint = null,
        CancellationToken cancellationToken = default);

    /// <summary>Creates an endpoint (MLflow <c>create_endpoint</c>, optional).</summary>
    /// <param name="name">Endpoint name.</param>
    /// <param name="config">Target-specific configuration.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<EndpointInfo> CreateEndpointAsync(
        string name, IReadOnlyDictionary<string, object?>? config = null, CancellationToken cancellationToken = default);

    /// <summary>Updates an endpoint (MLflow <c>update_endpoint</c>, optional).</summary>
    /// <param name="endpoint">Endpoint name.</param>
    /// <param name="config">Target-specific configuration changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<EndpointInfo> UpdateEndpointAsync(
        string endpoint, IReadOnlyDictionary<string, object?>? config = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes an endpoint; deleting a missing one succeeds (MLflow <c>delete_endpoint</c>, optional).</summary>
    /// <param name="endpoint">Endpoint name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task DeleteEndpointAsync(string endpoint, CancellationToken cancellationToken = default);

    /// <summary>Lists every endpoint, unpaginated (MLflow <c>list_endpoints</c>, optional).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<IReadOnlyList<EndpointInfo>> ListEndpointsAsync(CancellationToken cancellationToken = default);

    /// <summary>Describes one endpoint; an unknown name throws (MLflow <c>get_endpoint</c>, optional).</summary>
    /// <param name="endpoint">Endpoint name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<EndpointInfo> GetEndpointAsync(string endpoint, CancellationToken cancellationToken = default);
}
