using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Mlflow.Deployments.Tests.Infrastructure;
using static Mlflow.Deployments.Tests.DeploymentsServerReplayTests;

namespace Mlflow.Deployments.Tests;

/// <summary>
/// The plugin model: targets resolved from the URI scheme, the sample plugin (Mlflow.Deployments.SamplePlugin,
/// never referenced by type here) found through its assembly attribute, run_local and target_help, DI.
/// </summary>
public sealed class PluginModelTests
{
    [Theory]
    [InlineData("http://localhost:5000", "http")]
    [InlineData("https://gateway.example/prefix", "https")]
    [InlineData("sagemaker:/us-east-1", "sagemaker")]
    [InlineData("sagemaker", "sagemaker")]
    [InlineData("databricks", "databricks")]
    [InlineData("TOY://Store", "toy")]
    [InlineData("mlflow-gateway+http://localhost:5000", "mlflow-gateway+http")]
    public void Target_name_is_the_scheme_or_the_whole_text(string uri, string name) =>
        Assert.Equal(name, DeploymentTargetRegistry.ParseTargetName(uri));

    [Fact]
    public void Http_targets_resolve_to_the_Deployments_server_client()
    {
        using var client = Assert.IsType<MlflowDeploymentClient>(DeploymentClients.Get("http://localhost:5000/prefix"));
        Assert.Equal("http://localhost:5000/prefix", client.TargetUri);
        Assert.Equal(new Uri("http://localhost:5000/prefix/"), client.BaseUri);
    }

    [Fact]
    public void Unknown_target_lists_the_registered_ones()
    {
        var e = Assert.Throws<UnknownDeploymentTargetException>(() => DeploymentClients.Get("nosuch://somewhere"));
        Assert.Equal("nosuch", e.Target);
        Assert.Contains("toy", e.RegisteredTargets);
        Assert.Contains("http", e.RegisteredTargets);
        Assert.Contains("https", e.RegisteredTargets);
        Assert.Contains("mlflow-gateway+http", e.RegisteredTargets);
        Assert.Contains("Registered targets: ", e.Message);
        Assert.Contains("toy", e.Message);
    }

    [Fact]
    public void Sample_plugin_assembly_is_found_from_its_metadata()
    {
        var folder = AppContext.BaseDirectory;
        Assert.True(PluginDiscovery.DeclaresPlugin(Path.Combine(folder, "Mlflow.Deployments.SamplePlugin.dll")));
        Assert.False(PluginDiscovery.DeclaresPlugin(Path.Combine(folder, "Mlflow.Deployments.dll")));
        Assert.False(PluginDiscovery.DeclaresPlugin(Path.Combine(folder, "wire", "deployments", "0698-health.json")));
    }

    [Fact]
    public async Task Sample_plugin_implements_the_deployment_lifecycle()
    {
        var client = DeploymentClients.Get("toy://lifecycle");
        Assert.Equal("Mlflow.Deployments.SamplePlugin.ToyDeploymentClient", client.GetType().FullName);

        var created = await client.CreateDeploymentAsync("iris", "models:/iris/1", config: new Dictionary<string, object?> { ["replicas"] = 2 });
        Assert.Equal("iris", created.Name);
        Assert.Equal("READY", created.Json["state"]!.GetValue<string>()); // create blocks until ready
        await Assert.ThrowsAsync<DeploymentsException>(() => client.CreateDeploymentAsync("iris", "models:/iris/1"));

        var updated = await client.UpdateDeploymentAsync("iris", modelUri: "models:/iris/2");
        Assert.Equal("models:/iris/2", updated.Json["model_uri"]!.GetValue<string>());
        Assert.Equal(["iris"], (await client.ListDeploymentsAsync()).Select(d => d.Name));
        Assert.Equal("models:/iris/2", (await client.GetDeploymentAsync("iris")).Json["model_uri"]!.GetValue<string>());

        var prediction = await client.PredictAsync("iris", new JsonObject { ["x"] = 1 });
        Assert.Equal(1, prediction.GetPredictions()!["echo"]!["x"]!.GetValue<int>());
        var tokens = await Collect(client.PredictStreamAsync("iris", new JsonObject { ["text"] = "a b c" }));
        Assert.Equal(["a", "b", "c"], tokens.Select(t => t.Json!["token"]!.GetValue<string>()));

        // Optional members the toy lacks answer "not supported" (DeploymentClientBase defaults).
        var explain = await Assert.ThrowsAsync<DeploymentOperationNotSupportedException>(() => client.ExplainAsync("iris"));
        Assert.Contains("not supported by this deployment target", explain.Message);
        await Assert.ThrowsAsync<DeploymentOperationNotSupportedException>(() => client.ListEndpointsAsync());
        await Assert.ThrowsAsync<DeploymentOperationNotSupportedException>(() => client.GetEndpointAsync("e"));
        await Assert.ThrowsAsync<DeploymentOperationNotSupportedException>(() => client.CreateEndpointAsync("e"));

        await client.DeleteDeploymentAsync("iris");
        await client.DeleteDeploymentAsync("iris"); // idempotent
        Assert.Empty(await client.ListDeploymentsAsync());
        await Assert.ThrowsAsync<DeploymentNotFoundException>(() => client.GetDeploymentAsync("iris"));
        await Assert.ThrowsAsync<DeploymentNotFoundException>(() => client.PredictAsync("iris", new JsonObject()));
    }

    [Fact]
    public async Task Run_local_and_target_help_go_through_the_plugin()
    {
        await DeploymentClients.RunLocalAsync("toy", "local-model", "runs:/abc/model", flavor: "sklearn");

        var deployed = await DeploymentClients.Get("toy:local").GetDeploymentAsync("local-model");
        Assert.True(deployed.Json["local"]!.GetValue<bool>());
        Assert.Equal("sklearn", deployed.Json["flavor"]!.GetValue<string>());
        Assert.Contains("Toy target", DeploymentClients.TargetHelp("toy"));
        Assert.Contains("MLflow Deployments server", DeploymentClients.TargetHelp("http"));
    }

    [Fact]
    public async Task Cli_help_shows_the_target_help()
    {
        var (code, output, _) = await Cli("help", "-t", "toy");
        Assert.Equal(0, code);
        Assert.Contains("Toy target (sample plugin)", output);
        Assert.Contains("Config keys: replicas", output);
    }

    [Fact]
    public async Task Cli_lists_targets_and_runs_local()
    {
        var (code, output, _) = await Cli("targets");
        Assert.Equal(0, code);
        Assert.Contains("toy", output.Split('\n', StringSplitOptions.TrimEntries));

        (code, output, _) = await Cli("run-local", "-t", "toy", "--name", "cli-model", "-m", "models:/m/3", "-C", "replicas=3");
        Assert.Equal(0, code);
        Assert.Contains("cli-model", output);
        var deployed = await DeploymentClients.Get("toy:local").GetDeploymentAsync("cli-model");
        Assert.Equal("3", deployed.Json["config"]!["replicas"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cli_reports_unknown_targets_and_usage_errors()
    {
        var (code, _, error) = await Cli("help", "-t", "nosuch");
        Assert.Equal(1, code);
        Assert.Contains("Registered targets:", error);

        (code, _, error) = await Cli("run-local", "-t", "http", "--name", "n", "-m", "models:/m/1");
        Assert.Equal(1, code);
        Assert.Contains("not supported", error);

        Assert.Equal(2, (await Cli()).Code);
        Assert.Equal(2, (await Cli("help")).Code);
        Assert.Equal(2, (await Cli("help", "--bogus", "x")).Code);
        Assert.Equal(2, (await Cli("run-local", "-t", "toy", "-C", "novalue")).Code);
    }

    [Fact]
    public async Task Dependency_injection_registers_plugins_next_to_built_ins_and_discovered_ones()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new InlinePlugin.Counter());
        services.AddDeploymentTarget<InlinePlugin>();
        using var provider = services.BuildServiceProvider();

        var registry = provider.GetRequiredService<DeploymentTargetRegistry>();
        Assert.Contains("inline", registry.TargetNames);
        Assert.Contains("toy", registry.TargetNames);
        Assert.Contains("https", registry.TargetNames);

        var client = registry.GetClient("inline://x");
        Assert.IsType<InlineClient>(client);
        Assert.Equal(1, provider.GetRequiredService<InlinePlugin.Counter>().Created);
        await registry.RunLocalAsync("inline", "n", "models:/m/1");
        Assert.Equal("Inline help", registry.TargetHelp("inline://x"));
        Assert.Throws<UnknownDeploymentTargetException>(() => DeploymentClients.Get("inline://x")); // not process-wide
    }

    [Fact]
    public async Task Optional_members_default_to_not_supported()
    {
        IDeploymentClient client = new InlineClient("inline://x");
        var stream = client.PredictStreamAsync("d"); // nothing thrown before enumeration
        Assert.Equal("PredictStreamAsync", (await Assert.ThrowsAsync<DeploymentOperationNotSupportedException>(() => Collect(stream))).Operation);
        Assert.Equal("ExplainAsync", (await Assert.ThrowsAsync<DeploymentOperationNotSupportedException>(() => client.ExplainAsync("d"))).Operation);
        Assert.Equal("UpdateEndpointAsync", (await Assert.ThrowsAsync<DeploymentOperationNotSupportedException>(() => client.UpdateEndpointAsync("e"))).Operation);
        Assert.Equal("DeleteEndpointAsync", (await Assert.ThrowsAsync<DeploymentOperationNotSupportedException>(() => client.DeleteEndpointAsync("e"))).Operation);
    }

    [Fact]
    public void Explicit_registration_replaces_a_target()
    {
        var registry = new DeploymentTargetRegistry(discoverPlugins: false);
        Assert.DoesNotContain("toy", registry.TargetNames);
        registry.Register(new InlinePlugin(new InlinePlugin.Counter(), "http"));
        Assert.IsType<InlineClient>(registry.GetClient("http://localhost:5000"));
    }

    [Fact]
    public async Task Deployments_server_answers_not_supported_like_MLflows_client_without_calling_the_server()
    {
        var handler = new ReplayHandler();
        using var client = Wire.DeploymentsClient(handler);
        IDeploymentClient c = client;

        var calls = new (string Name, Func<Task> Call)[]
        {
            ("CreateDeploymentAsync", () => c.CreateDeploymentAsync("d", "models:/m/1")),
            ("UpdateDeploymentAsync", () => c.UpdateDeploymentAsync("d")),
            ("DeleteDeploymentAsync", () => c.DeleteDeploymentAsync("d")),
            ("ListDeploymentsAsync", () => c.ListDeploymentsAsync()),
            ("GetDeploymentAsync", () => c.GetDeploymentAsync("d")),
            ("ExplainAsync", () => c.ExplainAsync("d")),
            ("CreateEndpointAsync", () => c.CreateEndpointAsync("e")),
            ("UpdateEndpointAsync", () => c.UpdateEndpointAsync("e")),
            ("DeleteEndpointAsync", () => c.DeleteEndpointAsync("e")),
        };
        foreach (var (name, call) in calls)
        {
            var e = await Assert.ThrowsAsync<DeploymentOperationNotSupportedException>(call);
            Assert.Equal(name, e.Operation);
            Assert.Equal(Wire.BaseUri, e.TargetUri);
            Assert.Contains("not supported by this deployment target", e.Message);
        }

        Assert.Empty(handler.Sent);
    }

    [Fact]
    public async Task List_endpoints_follows_next_page_token()
    {
        var page2 = WireExchange.Load("deployments", "list-endpoints-page-2");
        var chat = WireExchange.Load("deployments", "get-endpoint-chat");
        var page1 = new JsonObject { ["endpoints"] = new JsonArray(chat.ResponseBody!.DeepClone()), ["next_page_token"] = "eyJpbmRleCI6IDF9" };
        var handler = new ReplayHandler();
        handler.Enqueue(() => ReplayHandler.Answer(200, page1.ToJsonString(), "application/json"));
        handler.Enqueue(page2);
        using var client = Wire.DeploymentsClient(handler);

        var endpoints = await client.ListEndpointsAsync();

        Assert.Equal(["chat", "completions", "embeddings"], endpoints.Select(e => e.Name));
        Assert.Equal(["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"], endpoints.Select(e => e.EndpointType));
        Assert.Equal("/api/2.0/endpoints/", handler.Sent[0].Uri.AbsolutePath);
        Assert.Equal("", handler.Sent[0].Uri.Query);
        Wire.AssertSent(page2, handler.Sent[1]);
    }

    private static async Task<(int Code, string Output, string Error)> Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await DeploymentsCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A plugin built by the container (constructor injection).</summary>
    private sealed class InlinePlugin(InlinePlugin.Counter counter, string name = "inline") : IDeploymentTargetPlugin
    {
        public sealed class Counter
        {
            public int Created { get; set; }
        }

        public IReadOnlyList<string> TargetNames { get; } = [name];

        public IDeploymentClient CreateClient(string targetUri)
        {
            counter.Created++;
            return new InlineClient(targetUri);
        }

        public Task RunLocalAsync(string name, string modelUri, string? flavor = null, IReadOnlyDictionary<string, object?>? config = null, CancellationToken cancellationToken = default) =>
            Task.CompletedTask;

        public string TargetHelp() => "Inline help";
    }

    private sealed class InlineClient(string targetUri) : DeploymentClientBase(targetUri)
    {
        public override Task<DeploymentInfo> CreateDeploymentAsync(string name, string modelUri, string? flavor = null, IReadOnlyDictionary<string, object?>? config = null, string? endpoint = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();
        public override Task<DeploymentInfo> UpdateDeploymentAsync(string name, string? modelUri = null, string? flavor = null, IReadOnlyDictionary<string, object?>? config = null, string? endpoint = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();
        public override Task DeleteDeploymentAsync(string name, IReadOnlyDictionary<string, object?>? config = null, string? endpoint = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();
        public override Task<IReadOnlyList<DeploymentInfo>> ListDeploymentsAsync(string? endpoint = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();
        public override Task<DeploymentInfo> GetDeploymentAsync(string name, string? endpoint = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();
        public override Task<PredictionsResponse> PredictAsync(string? deploymentName = null, JsonNode? inputs = null, string? endpoint = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    }
}
