using Mlflow.Client.Models;

namespace Mlflow.Runs.Tests;

/// <summary>Bad keys and values fail before anything is sent, with MLflow's rules and messages; long values are cut as MLflow cuts them.</summary>
public sealed class ValidationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private async Task<(MlflowClient Client, RecordingHandler Handler, string RunId)> NewRunAsync(IReadOnlyDictionary<string, string?>? environment = null)
    {
        var handler = new RecordingHandler();
        var client = Clients.Create(fixture.Uri, handler, environment: environment);
        var experiment = await client.GetOrCreateExperimentAsync("checks-" + Guid.NewGuid().ToString("N"));
        var run = await client.StartRunAsync(experiment.ExperimentId);
        handler.Requests.Clear();
        return (client, handler, run.RunId);
    }

    [Theory]
    [InlineData("bad*key", "Invalid value \"bad*key\" for parameter 'key' supplied: Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).")]
    [InlineData("a/../b", "Invalid value \"a/../b\" for parameter 'key' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to 'b'")]
    [InlineData("/abs", "Invalid value \"/abs\" for parameter 'key' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '/abs'")]
    public async Task A_bad_key_fails_with_MLflows_message_and_nothing_is_sent(string key, string message)
    {
        var (mlflow, handler, runId) = await NewRunAsync();
        using var scope = mlflow;
        Assert.StartsWith(message, Assert.Throws<ArgumentException>(() => { _ = mlflow.LogMetricAsync(runId, key, 1); }).Message, StringComparison.Ordinal);
        Assert.StartsWith(message, Assert.Throws<ArgumentException>(() => { _ = mlflow.LogParamAsync(runId, key, "v"); }).Message, StringComparison.Ordinal);
        Assert.StartsWith(message, Assert.Throws<ArgumentException>(() => { _ = mlflow.SetTagAsync(runId, key, "v", synchronous: false); }).Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Keys_over_250_characters_and_negative_timestamps_are_refused()
    {
        var (mlflow, handler, runId) = await NewRunAsync();
        using var scope = mlflow;
        var key = new string('k', 251);
        Assert.StartsWith("Metric name 'kkk", Assert.Throws<ArgumentException>(() => { _ = mlflow.LogMetricAsync(runId, key, 1); }).Message, StringComparison.Ordinal);
        Assert.Contains("had length 251, which exceeded length limit of 250", Assert.Throws<ArgumentException>(() => { _ = mlflow.LogParamAsync(runId, key, "v"); }).Message, StringComparison.Ordinal);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => { _ = mlflow.LogMetricAsync(runId, "m", 1, timestamp: -1); });
        Assert.Contains("Timestamp must be a nonnegative long (64-bit integer)", negative.Message, StringComparison.Ordinal);
        await mlflow.LogMetricAsync(runId, new string('k', 250), 1);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task One_bad_entry_anywhere_in_a_large_batch_fails_it_with_nothing_sent()
    {
        var (mlflow, handler, runId) = await NewRunAsync();
        using var scope = mlflow;
        var metrics = Enumerable.Range(0, 2500).Select(i => new Metric("loss", i, step: i)).ToList();
        metrics.Add(new Metric("bad key!", 1));
        await Assert.ThrowsAsync<ArgumentException>(() => mlflow.LogBatchAsync(runId, metrics));
        await Assert.ThrowsAsync<ArgumentException>(() => mlflow.LogBatchAsync(runId, metrics, synchronous: false));

        var duplicates = Enumerable.Range(0, 150).Select(i => new Param($"p{i % 120}", "v")).ToList();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => mlflow.LogBatchAsync(runId, @params: duplicates));
        Assert.StartsWith("Duplicate parameter keys have been submitted: ['p0', 'p1',", error.Message, StringComparison.Ordinal);
        Assert.Contains("Please ensure the request contains only one param value per param key.", error.Message, StringComparison.Ordinal);
        await mlflow.FlushAsync();
        Assert.Empty(handler.Requests);
        Assert.Empty(await mlflow.GetMetricHistoryAsync(runId, "loss").ToListAsync());
    }

    [Fact]
    public async Task Long_values_are_cut_to_MLflows_limits_as_MLflow_cuts_them()
    {
        var (mlflow, _, runId) = await NewRunAsync();
        using var scope = mlflow;
        await mlflow.LogParamAsync(runId, "long", new string('p', 6001));
        await mlflow.SetTagAsync(runId, "long", new string('t', 8001));
        await mlflow.LogBatchAsync(runId, @params: [new Param("long2", new string('q', 7000))], tags: [new RunTag("long2", new string('u', 9000))]);
        var run = await mlflow.GetRunAsync(runId);
        Assert.Equal(6000, run.Data.Params.Single(p => p.Key == "long").Value.Length);
        Assert.Equal(6000, run.Data.Params.Single(p => p.Key == "long2").Value.Length);
        Assert.Equal(8000, run.Data.Tags.Single(t => t.Key == "long").Value.Length);
        Assert.Equal(8000, run.Data.Tags.Single(t => t.Key == "long2").Value.Length);
    }

    [Fact]
    public async Task With_MLFLOW_TRUNCATE_LONG_VALUES_false_long_values_are_refused_before_sending()
    {
        var (mlflow, handler, runId) = await NewRunAsync(new Dictionary<string, string?> { ["MLFLOW_TRUNCATE_LONG_VALUES"] = "false" });
        using var scope = mlflow;
        var error = Assert.Throws<ArgumentException>(() => { _ = mlflow.LogParamAsync(runId, "long", new string('p', 6001)); });
        Assert.StartsWith("Param value 'ppp", error.Message, StringComparison.Ordinal);
        Assert.Contains("had length 6001, which exceeded length limit of 6000", error.Message, StringComparison.Ordinal);
        var tag = await Assert.ThrowsAsync<ArgumentException>(() => mlflow.LogBatchAsync(runId, tags: [new RunTag("long", new string('t', 8001))]));
        Assert.Contains("Tag value 'ttt", tag.Message, StringComparison.Ordinal);
        Assert.Contains("had length 8001, which exceeded length limit of 8000", tag.Message, StringComparison.Ordinal);
        await mlflow.LogParamAsync(runId, "fits", new string('p', 6000));
        Assert.Single(handler.Requests);
    }
}
