using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Mlflow.Deployments;

/// <summary>
/// Finds plugins declared with <see cref="DeploymentTargetPluginAttribute"/>: in the assemblies already loaded and
/// in the <c>.dll</c> files of the application folder, whose metadata is read without loading them; only an
/// assembly that carries the attribute is loaded.
/// </summary>
/// <remarks>
/// Loading assemblies found at run time cannot be checked by the trimmer (their dependencies may have been trimmed
/// away) and does not work under NativeAOT, so discovery is behind the feature switch
/// <c>Mlflow.Deployments.PluginDiscovery.IsSupported</c>: on by default, off in trimmed and AOT publishes (the
/// package's <c>buildTransitive</c> targets set it when <c>PublishTrimmed</c> or <c>PublishAot</c> is true), where plugins are
/// registered explicitly (<see cref="DeploymentClients.Register"/>, <c>services.AddDeploymentTarget&lt;T&gt;()</c>).
/// </remarks>
internal static class PluginDiscovery
{
    /// <summary>The feature switch that turns discovery off (an app's <c>RuntimeHostConfigurationOption</c>).</summary>
    public const string FeatureSwitch = "Mlflow.Deployments.PluginDiscovery.IsSupported";

    private static readonly string AttributeName = nameof(DeploymentTargetPluginAttribute);
    private static readonly string AttributeNamespace = typeof(DeploymentTargetPluginAttribute).Namespace!;

    /// <summary>Whether plugins are discovered (the feature switch; true unless the app turned it off).</summary>
    [FeatureSwitchDefinition(FeatureSwitch)]
    public static bool IsSupported => !AppContext.TryGetSwitch(FeatureSwitch, out var enabled) || enabled;

    [RequiresUnreferencedCode("Loads plugin assemblies found in the application folder; their dependencies may have been trimmed.")]
    [RequiresDynamicCode("Loads plugin assemblies found in the application folder.")]
    public static IReadOnlyList<IDeploymentTargetPlugin> Discover(string? directory = null)
    {
        var assemblies = new Dictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);
        foreach (var loaded in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (!loaded.IsDynamic && loaded.GetName().Name is { } name)
            {
                assemblies.TryAdd(name, loaded);
            }
        }

        foreach (var path in SafeFiles(directory ?? AppContext.BaseDirectory))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (assemblies.ContainsKey(name) || !DeclaresPlugin(path))
            {
                continue;
            }

            try
            {
                assemblies[name] = Assembly.LoadFrom(path);
            }
            catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or FileNotFoundException)
            {
                // Not loadable here; skip like a broken entry point would be skipped at lookup time.
            }
        }

        var plugins = new List<IDeploymentTargetPlugin>();
        foreach (var assembly in assemblies.Values)
        {
            foreach (var attribute in SafeAttributes(assembly))
            {
                plugins.Add(Instantiate(attribute.PluginType));
            }
        }

        return plugins;
    }

    internal static IDeploymentTargetPlugin Instantiate([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] Type type)
    {
        if (!typeof(IDeploymentTargetPlugin).IsAssignableFrom(type))
        {
            throw new DeploymentsException($"Plugin type {type.FullName} does not implement {nameof(IDeploymentTargetPlugin)}.");
        }

        try
        {
            return (IDeploymentTargetPlugin)Activator.CreateInstance(type)!;
        }
        catch (Exception ex) when (ex is MissingMethodException or TargetInvocationException)
        {
            throw new DeploymentsException($"Failed to load the deployment plugin {type.FullName}: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
    }

    [RequiresUnreferencedCode("Reads the referenced assemblies of loaded assemblies.")]
    private static IEnumerable<DeploymentTargetPluginAttribute> SafeAttributes(Assembly assembly)
    {
        // Cheap pre-check on metadata: most loaded assemblies do not reference the attribute at all.
        try
        {
            if (assembly.GetReferencedAssemblies().All(r => r.Name != typeof(PluginDiscovery).Assembly.GetName().Name)
                && assembly != typeof(PluginDiscovery).Assembly)
            {
                return [];
            }

            return assembly.GetCustomAttributes<DeploymentTargetPluginAttribute>();
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or TypeLoadException)
        {
            return [];
        }
    }

    private static IEnumerable<string> SafeFiles(string directory)
    {
        try
        {
            return Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*.dll") : [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>True when the assembly at <paramref name="path"/> has an assembly-level DeploymentTargetPlugin attribute.</summary>
    internal static bool DeclaresPlugin(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return false;
            }

            var reader = pe.GetMetadataReader();
            if (!reader.IsAssembly)
            {
                return false;
            }

            foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
            {
                var attribute = reader.GetCustomAttribute(handle);
                if (attribute.Constructor.Kind != HandleKind.MemberReference)
                {
                    continue;
                }

                var ctor = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
                if (ctor.Parent.Kind != HandleKind.TypeReference)
                {
                    continue;
                }

                var type = reader.GetTypeReference((TypeReferenceHandle)ctor.Parent);
                if (reader.StringComparer.Equals(type.Name, AttributeName)
                    && reader.StringComparer.Equals(type.Namespace, AttributeNamespace))
                {
                    return true;
                }
            }

            return false;
        }
        catch (Exception ex) when (ex is BadImageFormatException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
