namespace Mlflow.Deployments;

/// <summary>
/// A deployment target plugin: the .NET shape of an MLflow deployment plugin module (a client class plus the
/// module-level <c>run_local</c> and <c>target_help</c>). Register it with
/// <c>[assembly: DeploymentTargetPlugin(typeof(MyPlugin))]</c> (discovered next to the application like an
/// installed package), <see cref="DeploymentClients.Register"/>, or <c>services.AddDeploymentTarget&lt;T&gt;()</c>.
/// </summary>
public interface IDeploymentTargetPlugin
{
    /// <summary>
    /// The target names this plugin serves: the URI schemes (<c>toy</c> serves <c>toy://...</c>, <c>toy:/...</c>
    /// and the bare name <c>toy</c>).
    /// </summary>
    IReadOnlyList<string> TargetNames { get; }

    /// <summary>Creates a client for <paramref name="targetUri"/> (MLflow <c>get_deploy_client(target_uri)</c>).</summary>
    IDeploymentClient CreateClient(string targetUri);

    /// <summary>Deploys a model locally, for testing (MLflow's plugin-level <c>run_local</c>).</summary>
    /// <param name="name">Deployment name.</param>
    /// <param name="modelUri">URI of the model.</param>
    /// <param name="flavor">Model flavor; null lets the plugin choose.</param>
    /// <param name="config">Target-specific configuration.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task RunLocalAsync(
        string name, string modelUri, string? flavor = null, IReadOnlyDictionary<string, object?>? config = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Help for this target (MLflow's <c>target_help</c>): the URI format, the <c>config</c> keys of create/update,
    /// anything target-specific. Shown by <see cref="DeploymentsCli"/>'s <c>help</c> command.
    /// </summary>
    string TargetHelp();
}

/// <summary>
/// Declares a deployment target plugin in an assembly. Assemblies in the application folder carrying this
/// attribute are found without being referenced (the .NET counterpart of MLflow's <c>mlflow.deployments</c>
/// entry points). The type needs a public parameterless constructor.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class DeploymentTargetPluginAttribute : Attribute
{
    /// <summary>Declares <paramref name="pluginType"/>, an <see cref="IDeploymentTargetPlugin"/>.</summary>
    /// <param name="pluginType">The plugin type (its public parameterless constructor is kept by the trimmer).</param>
    public DeploymentTargetPluginAttribute([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] Type pluginType) => PluginType = pluginType;

    /// <summary>The plugin type.</summary>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)]
    public Type PluginType { get; }
}
