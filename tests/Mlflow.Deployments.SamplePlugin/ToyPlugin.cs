using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Mlflow.Deployments;
using Mlflow.Deployments.SamplePlugin;

[assembly: DeploymentTargetPlugin(typeof(ToyPlugin))]

namespace Mlflow.Deployments.SamplePlugin;

/// <summary>
/// A toy deployment target, scheme <c>toy</c> (<c>toy://workspace</c>, <c>toy:/workspace</c>): deployments live in
/// memory, one store per target URI; a deployment predicts by echoing its inputs with its name and model URI.
/// </summary>
public sealed class ToyPlugin : IDeploymentTargetPlugin
{
    internal static readonly ConcurrentDictionary<string, ConcurrentDictionary<string, JsonObject>> Stores = new();

    /// <inheritdoc/>
    public IReadOnlyList<string> TargetNames { get; } = ["toy"];

    /// <inheritdoc/>
    public IDeploymentClient CreateClient(string targetUri) => new ToyDeploymentClient(targetUri);

    /// <summary>"Runs" the model locally: a deployment in the <c>toy:local</c> store, flagged <c>local</c>.</summary>
    public Task RunLocalAsync(
        string name, string modelUri, string? flavor = null, IReadOnlyDictionary<string, object?>? config = null,
        CancellationToken cancellationToken = default)
    {
        var store = Stores.GetOrAdd("toy:local", _ => new());
        store[name] = ToyDeploymentClient.Describe(name, modelUri, flavor ?? "python_function", config, local: true);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public string TargetHelp() =>
        """
        Toy target (sample plugin). Target URI: toy://<store> or toy:/<store>; each store is an in-memory set of
        deployments. Config keys: replicas (number of replicas, default 1). Predict echoes the inputs.
        """;
}

/// <summary>The toy target's client.</summary>
public sealed class ToyDeploymentClient(string targetUri) : DeploymentClientBase(targetUri)
{
    private ConcurrentDictionary<string, JsonObject> Store => ToyPlugin.Stores.GetOrAdd(TargetUri, _ => new());

    /// <inheritdoc/>
    public override Task<DeploymentInfo> CreateDeploymentAsync(
        string name, string modelUri, string? flavor = null, IReadOnlyDictionary<string, object?>? config = null,
        string? endpoint = null, CancellationToken cancellationToken = default)
    {
        var json = Describe(name, modelUri, flavor ?? "python_function", config, local: false);
        if (!Store.TryAdd(name, json))
        {
            throw new DeploymentsException($"Deployment '{name}' already exists on {TargetUri}.");
        }

        // Blocks until ready: the toy deployment is ready as soon as it is stored.
        return Task.FromResult(DeploymentInfo.FromJson((JsonObject)json.DeepClone()));
    }

    /// <inheritdoc/>
    public override Task<DeploymentInfo> UpdateDeploymentAsync(
        string name, string? modelUri = null, string? flavor = null, IReadOnlyDictionary<string, object?>? config = null,
        string? endpoint = null, CancellationToken cancellationToken = default)
    {
        if (flavor is not null && modelUri is null)
        {
            throw new DeploymentsException("A flavor can only be changed together with the model URI.");
        }

        var current = Get(name);
        var updated = Describe(
            name, modelUri ?? current["model_uri"]!.GetValue<string>(), flavor ?? current["flavor"]!.GetValue<string>(),
            config ?? current["config"]!.AsObject().ToDictionary(p => p.Key, p => (object?)p.Value?.ToString()), local: false);
        Store[name] = updated;
        return Task.FromResult(DeploymentInfo.FromJson((JsonObject)updated.DeepClone()));
    }

    /// <inheritdoc/>
    public override Task DeleteDeploymentAsync(
        string name, IReadOnlyDictionary<string, object?>? config = null, string? endpoint = null,
        CancellationToken cancellationToken = default)
    {
        Store.TryRemove(name, out _);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<DeploymentInfo>> ListDeploymentsAsync(string? endpoint = null, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DeploymentInfo>>(
            Store.Values.Select(j => DeploymentInfo.FromJson((JsonObject)j.DeepClone())).OrderBy(d => d.Name, StringComparer.Ordinal).ToArray());

    /// <inheritdoc/>
    public override Task<DeploymentInfo> GetDeploymentAsync(string name, string? endpoint = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(DeploymentInfo.FromJson((JsonObject)Get(name).DeepClone()));

    /// <inheritdoc/>
    public override Task<PredictionsResponse> PredictAsync(
        string? deploymentName = null, JsonNode? inputs = null, string? endpoint = null,
        CancellationToken cancellationToken = default)
    {
        var deployment = Get(deploymentName ?? throw new ArgumentNullException(nameof(deploymentName)));
        var answer = new JsonObject
        {
            ["predictions"] = new JsonObject
            {
                ["deployment"] = deployment["name"]!.DeepClone(),
                ["model_uri"] = deployment["model_uri"]!.DeepClone(),
                ["echo"] = inputs?.DeepClone(),
            },
        };
        return Task.FromResult(new PredictionsResponse(answer.ToJsonString()));
    }

    /// <summary>Streams the words of the <c>text</c> input, one chunk each.</summary>
    public override async IAsyncEnumerable<PredictionChunk> PredictStreamAsync(
        string? deploymentName = null, JsonNode? inputs = null, string? endpoint = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Get(deploymentName ?? throw new ArgumentNullException(nameof(deploymentName)));
        foreach (var word in (inputs?["text"]?.GetValue<string>() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new PredictionChunk(new JsonObject { ["token"] = word }.ToJsonString());
        }
    }

    internal static JsonObject Describe(string name, string modelUri, string flavor, IReadOnlyDictionary<string, object?>? config, bool local) => new()
    {
        ["name"] = name,
        ["model_uri"] = modelUri,
        ["flavor"] = flavor,
        ["config"] = new JsonObject((config ?? new Dictionary<string, object?>()).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value?.ToString())))),
        ["local"] = local,
        ["state"] = "READY",
    };

    private JsonObject Get(string name) =>
        Store.TryGetValue(name, out var json)
            ? json
            : throw new DeploymentNotFoundException($"No deployment named '{name}' on {TargetUri}.");
}
