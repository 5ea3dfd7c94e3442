using Mlflow.Client.Models;

namespace Mlflow.Runs.Tests;

/// <summary>GetOrCreateExperimentAsync under races, RegisterModelAsync and CopyModelVersionAsync.</summary>
public sealed class ExperimentAndRegistryTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Eight_concurrent_callers_get_one_experiment()
    {
        var name = "race-" + Guid.NewGuid().ToString("N");
        // Separate clients, as separate processes would be; each starts at the same moment.
        var clients = Enumerable.Range(0, 8).Select(_ => Clients.Create(fixture.Uri)).ToList();
        using var start = new ManualResetEventSlim();
        var calls = clients.Select(c => Task.Run(async () => { start.Wait(); return await c.GetOrCreateExperimentAsync(name); })).ToList();
        start.Set();
        var experiments = await Task.WhenAll(calls);
        Assert.Single(experiments.Select(e => e.ExperimentId).Distinct());
        Assert.All(experiments, e => Assert.Equal(name, e.Name));
        foreach (var c in clients) c.Dispose();
    }

    [Fact]
    public async Task An_existing_experiment_is_returned_and_a_deleted_one_is_an_error()
    {
        using var mlflow = Clients.Create(fixture.Uri);
        var name = "exists-" + Guid.NewGuid().ToString("N");
        var created = await mlflow.GetOrCreateExperimentAsync(name, tags: new Dictionary<string, string> { ["owner"] = "me" });
        Assert.Equal("me", created.Tags.Single(t => t.Key == "owner").Value);
        Assert.Equal(created.ExperimentId, (await mlflow.GetOrCreateExperimentAsync(name)).ExperimentId);
        await mlflow.DeleteExperimentAsync(created.ExperimentId);
        var error = await Assert.ThrowsAsync<MlflowException>(() => mlflow.GetOrCreateExperimentAsync(name));
        Assert.Contains("deleted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterModelAsync_creates_the_model_resolves_runs_uris_and_adds_versions()
    {
        using var mlflow = Clients.Create(fixture.Uri);
        var experiment = await mlflow.GetOrCreateExperimentAsync("register-" + Guid.NewGuid().ToString("N"));
        await using var run = await mlflow.StartRunAsync(experiment.ExperimentId);
        var name = "churn-" + Guid.NewGuid().ToString("N");

        var v1 = await mlflow.RegisterModelAsync($"runs:/{run.RunId}/model", name, tags: new Dictionary<string, string> { ["data"] = "v1" });
        Assert.Equal("1", v1.Version);
        Assert.Equal(ModelVersionStatus.Ready, v1.Status);
        Assert.Equal(run.RunId, v1.RunId);
        Assert.Equal(run.Run.Info.ArtifactUri.TrimEnd('/') + "/model", v1.Source);
        Assert.Equal("v1", v1.Tags.Single(t => t.Key == "data").Value);

        var v2 = await mlflow.RegisterModelAsync("s3://bucket/models/churn", name);
        Assert.Equal("2", v2.Version);
        Assert.Equal("s3://bucket/models/churn", v2.Source);
        Assert.Null(v2.RunId is "" ? null : v2.RunId);

        // A registered version's URI resolves to that version's files and run.
        var other = "churn-copy-" + Guid.NewGuid().ToString("N");
        var fromVersion = await mlflow.RegisterModelAsync($"models:/{name}/1", other);
        Assert.Equal(run.RunId, fromVersion.RunId);
        Assert.Equal("1", fromVersion.Version);
    }

    [Fact]
    public async Task RegisterModelAsync_checks_its_arguments_before_sending()
    {
        using var handler = new RecordingHandler();
        using var mlflow = Clients.Create(fixture.Uri, handler);
        await Assert.ThrowsAsync<ArgumentException>(() => mlflow.RegisterModelAsync("", "m"));
        await Assert.ThrowsAsync<ArgumentException>(() => mlflow.RegisterModelAsync("s3://b/m", " "));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => mlflow.RegisterModelAsync("s3://b/m", "m", awaitReadyFor: TimeSpan.FromSeconds(-1)));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task CopyModelVersionAsync_copies_into_a_new_or_existing_model_with_a_models_uri_source()
    {
        using var mlflow = Clients.Create(fixture.Uri);
        var experiment = await mlflow.GetOrCreateExperimentAsync("copy-" + Guid.NewGuid().ToString("N"));
        await using var run = await mlflow.StartRunAsync(experiment.ExperimentId);
        var source = "src-" + Guid.NewGuid().ToString("N");
        var destination = "dst-" + Guid.NewGuid().ToString("N");
        await mlflow.RegisterModelAsync($"runs:/{run.RunId}/model", source, tags: new Dictionary<string, string> { ["k"] = "v" });
        await mlflow.SetRegisteredModelAliasAsync(source, "champion", "1");

        var copy = await mlflow.CopyModelVersionAsync($"models:/{source}/1", destination);
        Assert.Equal(destination, copy.Name);
        Assert.Equal("1", copy.Version);
        Assert.Equal($"models:/{source}/1", copy.Source);
        Assert.Equal(run.RunId, copy.RunId);
        Assert.Equal("v", copy.Tags.Single(t => t.Key == "k").Value);

        var byAlias = await mlflow.CopyModelVersionAsync($"models:/{source}@champion", destination);
        Assert.Equal("2", byAlias.Version);
        Assert.Equal($"models:/{source}/1", byAlias.Source);

        await Assert.ThrowsAsync<ArgumentException>(() => mlflow.CopyModelVersionAsync("runs:/abc/model", destination));
        var missing = await Assert.ThrowsAsync<MlflowException>(() => mlflow.CopyModelVersionAsync($"models:/{source}/9", destination));
        Assert.Contains("Failed to fetch the source model version", missing.Message, StringComparison.Ordinal);
    }
}
