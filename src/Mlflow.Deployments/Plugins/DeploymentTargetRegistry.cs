namespace Mlflow.Deployments;

/// <summary>
/// The registered deployment targets: resolves a target URI to its plugin by the URI scheme (MLflow's
/// <c>DeploymentPlugins</c> + <c>get_deploy_client</c>), and runs the plugin-level <c>run_local</c> and
/// <c>target_help</c>. <see cref="DeploymentClients.Default"/> is the process-wide instance; dependency injection
/// builds its own (<c>services.AddMlflowDeployments()</c>).
/// </summary>
public sealed class DeploymentTargetRegistry
{
    private readonly object _gate = new();
    private readonly Dictionary<string, IDeploymentTargetPlugin> _plugins = new(StringComparer.OrdinalIgnoreCase);
    private readonly bool _discover;
    private bool _discovered;

    /// <summary>Creates a registry.</summary>
    /// <param name="plugins">Plugins to register (later ones win for the same target name).</param>
    /// <param name="includeBuiltIns">Register the built-in targets (<c>http</c>, <c>https</c>, <c>mlflow-gateway+http(s)</c>).</param>
    /// <param name="discoverPlugins">Also find plugins declared with <see cref="DeploymentTargetPluginAttribute"/>, on first lookup.</param>
    public DeploymentTargetRegistry(
        IEnumerable<IDeploymentTargetPlugin>? plugins = null, bool includeBuiltIns = true, bool discoverPlugins = true)
    {
        if (includeBuiltIns)
        {
            Register(new MlflowDeploymentsPlugin());
            Register(new MlflowGatewayPlugin());
        }

        _discover = discoverPlugins;
        foreach (var plugin in plugins ?? [])
        {
            Register(plugin);
        }
    }

    /// <summary>The registered target names, sorted.</summary>
    public IReadOnlyList<string> TargetNames
    {
        get
        {
            EnsureDiscovered();
            lock (_gate)
            {
                return _plugins.Keys.Order(StringComparer.OrdinalIgnoreCase).ToArray();
            }
        }
    }

    /// <summary>Registers <paramref name="plugin"/> for each of its target names (replacing earlier ones).</summary>
    public void Register(IDeploymentTargetPlugin plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        if (plugin.TargetNames.Count == 0)
        {
            throw new DeploymentsException($"Plugin {plugin.GetType().FullName} declares no target name.");
        }

        lock (_gate)
        {
            foreach (var name in plugin.TargetNames)
            {
                _plugins[name] = plugin;
            }
        }
    }

    /// <summary>The plugin for <paramref name="target"/> (a target URI or a bare target name).</summary>
    /// <exception cref="UnknownDeploymentTargetException">No plugin serves the target; the message lists the registered ones.</exception>
    public IDeploymentTargetPlugin GetPlugin(string target)
    {
        var name = ParseTargetName(target);
        if (TryGet(name, out var plugin))
        {
            return plugin;
        }

        throw new UnknownDeploymentTargetException(name, TargetNames);
    }

    /// <summary>A client for <paramref name="targetUri"/> (MLflow <c>get_deploy_client</c>).</summary>
    public IDeploymentClient GetClient(string targetUri) => GetPlugin(targetUri).CreateClient(targetUri);

    /// <summary>Runs the target's <c>run_local</c>.</summary>
    public Task RunLocalAsync(
        string target, string name, string modelUri, string? flavor = null,
        IReadOnlyDictionary<string, object?>? config = null, CancellationToken cancellationToken = default) =>
        GetPlugin(target).RunLocalAsync(name, modelUri, flavor, config, cancellationToken);

    /// <summary>The target's help text (<c>target_help</c>).</summary>
    public string TargetHelp(string target) => GetPlugin(target).TargetHelp();

    /// <summary>
    /// The target name of a URI, as MLflow's <c>parse_target_uri</c>: the scheme when there is one
    /// (<c>http://h:5000</c> → <c>http</c>, <c>sagemaker:/us-east-1</c> → <c>sagemaker</c>), else the whole text.
    /// </summary>
    public static string ParseTargetName(string targetUri)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(targetUri);
        var colon = targetUri.IndexOf(':');
        if (colon <= 0)
        {
            return targetUri;
        }

        var scheme = targetUri[..colon];
        var valid = char.IsAsciiLetter(scheme[0]) && scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');
        return valid ? scheme.ToLowerInvariant() : targetUri;
    }

    private bool TryGet(string name, out IDeploymentTargetPlugin plugin)
    {
        EnsureDiscovered();
        lock (_gate)
        {
            return _plugins.TryGetValue(name, out plugin!);
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Discovery runs only while the feature switch Mlflow.Deployments.PluginDiscovery.IsSupported is on; the package turns it off (and the trimmer removes this call) in trimmed and AOT publishes.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As above: discovery is off and trimmed away in AOT publishes.")]
    private void EnsureDiscovered()
    {
        if (!_discover || !PluginDiscovery.IsSupported)
        {
            return;
        }

        lock (_gate)
        {
            if (_discovered)
            {
                return;
            }

            _discovered = true;
            foreach (var plugin in PluginDiscovery.Discover())
            {
                foreach (var name in plugin.TargetNames)
                {
                    // Explicit registrations win over discovered ones.
                    _plugins.TryAdd(name, plugin);
                }
            }
        }
    }
}

/// <summary>
/// Process-wide entry point: <c>DeploymentClients.Get("http://localhost:5000")</c> is MLflow's
/// <c>get_deploy_client("http://localhost:5000")</c>.
/// </summary>
public static class DeploymentClients
{
    /// <summary>The process-wide registry (built-ins, discovered plugins, explicit registrations).</summary>
    public static DeploymentTargetRegistry Default { get; } = new();

    /// <summary>A client for <paramref name="targetUri"/>, resolved from its scheme.</summary>
    public static IDeploymentClient Get(string targetUri) => Default.GetClient(targetUri);

    /// <summary>Registers a plugin in <see cref="Default"/>.</summary>
    public static void Register(IDeploymentTargetPlugin plugin) => Default.Register(plugin);

    /// <summary>Runs the target's <c>run_local</c>.</summary>
    public static Task RunLocalAsync(
        string target, string name, string modelUri, string? flavor = null,
        IReadOnlyDictionary<string, object?>? config = null, CancellationToken cancellationToken = default) =>
        Default.RunLocalAsync(target, name, modelUri, flavor, config, cancellationToken);

    /// <summary>The target's help text.</summary>
    public static string TargetHelp(string target) => Default.TargetHelp(target);
}
