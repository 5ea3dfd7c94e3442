namespace Mlflow.Deployments;

/// <summary>
/// Base for targets that serve endpoints and have no deployments (MLflow's Deployments server, the AI gateway):
/// every deployment member throws <see cref="DeploymentOperationNotSupportedException"/>, as MLflow's client raises
/// <c>NotImplementedError</c>.
/// </summary>
public abstract class EndpointDeploymentClientBase : DeploymentClientBase
{
    private readonly string _noDeployments;

    /// <summary>Creates the client; <paramref name="noDeploymentsReason"/> ends the not-supported messages.</summary>
    protected EndpointDeploymentClientBase(string targetUri, string noDeploymentsReason)
        : base(targetUri) => _noDeployments = noDeploymentsReason;

    /// <summary>Not supported: this target has no deployments.</summary>
    public sealed override Task<DeploymentInfo> CreateDeploymentAsync(
        string name, string modelUri, string? flavor = null, IReadOnlyDictionary<string, object?>? config = null,
        string? endpoint = null, CancellationToken cancellationToken = default) =>
        Task.FromException<DeploymentInfo>(NotSupported(nameof(CreateDeploymentAsync), _noDeployments));

    /// <summary>Not supported: this target has no deployments.</summary>
    public sealed override Task<DeploymentInfo> UpdateDeploymentAsync(
        string name, string? modelUri = null, string? flavor = null, IReadOnlyDictionary<string, object?>? config = null,
        string? endpoint = null, CancellationToken cancellationToken = default) =>
        Task.FromException<DeploymentInfo>(NotSupported(nameof(UpdateDeploymentAsync), _noDeployments));

    /// <summary>Not supported: this target has no deployments.</summary>
    public sealed override Task DeleteDeploymentAsync(
        string name, IReadOnlyDictionary<string, object?>? config = null, string? endpoint = null,
        CancellationToken cancellationToken = default) =>
        Task.FromException(NotSupported(nameof(DeleteDeploymentAsync), _noDeployments));

    /// <summary>Not supported: this target has no deployments.</summary>
    public sealed override Task<IReadOnlyList<DeploymentInfo>> ListDeploymentsAsync(
        string? endpoint = null, CancellationToken cancellationToken = default) =>
        Task.FromException<IReadOnlyList<DeploymentInfo>>(NotSupported(nameof(ListDeploymentsAsync), _noDeployments));

    /// <summary>Not supported: this target has no deployments.</summary>
    public sealed override Task<DeploymentInfo> GetDeploymentAsync(
        string name, string? endpoint = null, CancellationToken cancellationToken = default) =>
        Task.FromException<DeploymentInfo>(NotSupported(nameof(GetDeploymentAsync), _noDeployments));
}
