using System.Text.Json.Nodes;
using Mlflow.Contract.Tests.Infrastructure;
using Mlflow.Testing;
using Mlflow.TestSupport;
using Models = Mlflow.Client.Models;

namespace Mlflow.Contract.Tests;

/// <summary>
/// The generated Kiota-level client (<c>client.Api...</c>) against the embedded server: its requests are routed by
/// the NSwag-generated controllers, its models read the answers, and every exchange fits the spec.
/// </summary>
public sealed class KiotaLevelTests
{
    [Fact]
    public async Task Kiota_client_round_trips_tracking_and_registry_calls()
    {
        await using var server = new MlflowTestServer();
        var uri = await server.StartAsync();
        var recorder = new RecordingHandler();
        using var client = new MlflowClient(new MlflowClientOptions { TrackingUri = uri.ToString() }, loggerFactory: null, innerHandler: recorder);
        var api = client.Api.Api.V20.Mlflow;

        var created = await api.Experiments.Create.PostAsync(new Models.CreateExperiment { Name = "kiota", Tags = [new Models.ExperimentTag { Key = "k", Value = "v" }] });
        var experimentId = created!.ExperimentId!;
        var run = (await api.Runs.Create.PostAsync(new Models.CreateRun { ExperimentId = experimentId, RunName = "kiota-run" }))!.Run!;
        await api.Runs.LogBatch.PostAsync(new Models.LogBatch
        {
            RunId = run.Info!.RunId,
            Metrics = [new Models.Metric { Key = "loss", Value = double.NaN, Timestamp = 1, Step = 0 }, new Models.Metric { Key = "loss", Value = 0.5, Timestamp = 2, Step = 1 }],
            Params = [new Models.Param { Key = "lr", Value = "0.1" }],
        });
        var history = await api.Metrics.GetHistory.GetAsync(c =>
        {
            c.QueryParameters.RunId = run.Info.RunId;
            c.QueryParameters.MetricKey = "loss";
            c.QueryParameters.MaxResults = 10;
        });
        Assert.True(double.IsNaN(history!.Metrics[0].Value));
        Assert.Equal(0.5, history.Metrics[1].Value);
        var search = await api.Runs.Search.PostAsync(new Models.SearchRuns { ExperimentIds = [experimentId], Filter = "params.lr = '0.1'" });
        Assert.Equal(run.Info.RunId, Assert.Single(search!.Runs!).Info!.RunId);

        await api.RegisteredModels.Create.PostAsync(new Models.CreateRegisteredModel { Name = "kiota-model" });
        var version = (await api.ModelVersions.Create.PostAsync(new Models.CreateModelVersion { Name = "kiota-model", Source = run.Info.ArtifactUri + "/model", RunId = run.Info.RunId }))!.ModelVersion!;
        await api.RegisteredModels.Alias.PostAsync(new Models.SetRegisteredModelAlias { Name = "kiota-model", Alias = "champion", Version = version.Version });
        var byAlias = await api.RegisteredModels.Alias.GetAsync(c =>
        {
            c.QueryParameters.Name = "kiota-model";
            c.QueryParameters.Alias = "champion";
        });
        Assert.Equal(version.Version, byAlias!.ModelVersion!.Version);

        // An operation the embedded server does not implement: 501 NOT_IMPLEMENTED, surfaced as an MlflowException.
        var error = await Assert.ThrowsAnyAsync<MlflowException>(() => client.Api.Api.V30.Mlflow.Traces.Metrics.PostAsync(new Models.QueryTraceMetrics { ExperimentIds = ["0"] }));
        Assert.Equal("NOT_IMPLEMENTED", error.RawErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.NotImplemented, error.StatusCode);

        Assert.Empty(recorder.CheckAgainstSpec());
    }
}
