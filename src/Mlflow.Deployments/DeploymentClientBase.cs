using System.Runtime.CompilerServices;

namespace Mlflow.Deployments;

/// <summary>
/// Convenient base for targets. As in MLflow's <c>BaseDeploymentClient</c>, the deployment members and
/// <see cref="PredictAsync"/> are abstract; <see cref="PredictStreamAsync"/>, <see cref="ExplainAsync"/> and the
/// endpoint members are optional and by default throw <see cref="DeploymentOperationNotSupportedException"/>.
/// </summary>
public abstract class DeploymentClientBase : IDeploymentClient
{
    /// <summary>Creates the client for <paramref name="targetUri"/>.</summary>
    protected DeploymentClientBase(string targetUri) => TargetUri = targetUri;

    /// <inheritdoc/>
    public string TargetUri { get; }

    /// <inheritdoc/>
    public abstract Task<DeploymentInfo> CreateDeploymentAsync(
        string name, string modelUri, string? flavor = null, IReadOnlyDictionary<string, object?>? config = null,
        string? endpoint = null, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public abstract Task<DeploymentInfo> UpdateDeploymentAsync(
        string name, string? modelUri = null, string? flavor = null, IReadOnlyDictionary<string, object?>? config = null,
        string? endpoint = null, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public abstract Task DeleteDeploymentAsync(
        string name, IReadOnlyDictionary<string, object?>? config = null, string? endpoint = null,
        CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public abstract Task<IReadOnlyList<DeploymentInfo>> ListDeploymentsAsync(
        string? endpoint = null, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public abstract Task<DeploymentInfo> GetDeploymentAsync(
        string name, string? endpoint = null, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public abstract Task<PredictionsResponse> PredictAsync(
        string? deploymentName = null, JsonNode? inputs = null, string? endpoint = null,
        CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public virtual IAsyncEnumerable<PredictionChunk> PredictStreamAsync(
        string? deploymentName = null, JsonNode? inputs = null, string? endpoint = null,
        CancellationToken cancellationToken = default) =>
        ThrowingStream(NotSupported(nameof(PredictStreamAsync)));

    /// <inheritdoc/>
    public virtual Task<JsonNode?> ExplainAsync(
        string? deploymentName = null, JsonNode? df = null, string? endpoint = null,
        CancellationToken cancellationToken = default) =>
        Task.FromException<JsonNode?>(NotSupported(nameof(ExplainAsync), "Computing model explanations is not supported for this deployment target."));

    /// <inheritdoc/>
    public virtual Task<EndpointInfo> CreateEndpointAsync(
        string name, IReadOnlyDictionary<string, object?>? config = null, CancellationToken cancellationToken = default) =>
        Task.FromException<EndpointInfo>(NotSupported(nameof(CreateEndpointAsync)));

    /// <inheritdoc/>
    public virtual Task<EndpointInfo> UpdateEndpointAsync(
        string endpoint, IReadOnlyDictionary<string, object?>? config = null, CancellationToken cancellationToken = default) =>
        Task.FromException<EndpointInfo>(NotSupported(nameof(UpdateEndpointAsync)));

    /// <inheritdoc/>
    public virtual Task DeleteEndpointAsync(string endpoint, CancellationToken cancellationToken = default) =>
        Task.FromException(NotSupported(nameof(DeleteEndpointAsync)));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<EndpointInfo>> ListEndpointsAsync(CancellationToken cancellationToken = default) =>
        Task.FromException<IReadOnlyList<EndpointInfo>>(NotSupported(nameof(ListEndpointsAsync)));

    /// <inheritdoc/>
    public virtual Task<EndpointInfo> GetEndpointAsync(string endpoint, CancellationToken cancellationToken = default) =>
        Task.FromException<EndpointInfo>(NotSupported(nameof(GetEndpointAsync)));

    /// <summary>The exception a target throws for a member it does not support.</summary>
    protected DeploymentOperationNotSupportedException NotSupported(string operation, string? reason = null) =>
        new(operation, TargetUri, reason);

    /// <summary>A stream that throws <paramref name="exception"/> when enumerated.</summary>
#pragma warning disable CS1998 // an iterator that only throws, on first MoveNextAsync (not at the call)
    protected static async IAsyncEnumerable<PredictionChunk> ThrowingStream(
        Exception exception, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        throw exception;
#pragma warning disable CS0162 // an iterator needs a yield
        yield break;
#pragma warning restore CS0162
    }
#pragma warning restore CS1998
}
