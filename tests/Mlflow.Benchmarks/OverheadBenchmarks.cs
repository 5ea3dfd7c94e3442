using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Mlflow.Client.Models;

namespace Mlflow.Benchmarks;

/// <summary>
/// Each SDK call beside the hand-written baseline doing the same work (same request, same response bytes, same
/// fields parsed). The SDK side is the Kiota-level client (<c>MlflowClient.Api</c>) over the full runtime pipeline
/// (activity, error translation, headers, retry pipeline, logging handler), as a user gets it; <c>KiotaOnly_</c> is
/// the same generated client over a bare HttpClient, to tell the pipeline's share from Kiota's.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class OverheadBenchmarks
{
    public const int BatchSize = 1_000;
    public const int SearchPageSize = 1_000;
    public const int HistoryPoints = 10_000;
    private const string BaseUrl = "http://mlflow.bench:5000";

    private MlflowClient sdk = null!;
    private MlflowClient kiotaOnly = null!;
    private HttpClient plainHttp = null!;
    private BaselineClient baseline = null!;

    [GlobalSetup]
    public void Setup()
    {
        var bodies = new Dictionary<string, byte[]>
        {
            ["/api/2.0/mlflow/runs/log-metric"] = Payloads.Empty,
            ["/api/2.0/mlflow/runs/log-batch"] = Payloads.Empty,
            ["/api/2.0/mlflow/runs/search"] = Payloads.SearchRunsPage(SearchPageSize),
            ["/api/2.0/mlflow/metrics/get-history"] = Payloads.MetricHistory(HistoryPoints),
        };
        var options = new MlflowClientOptions { TrackingUri = BaseUrl, EnvironmentSource = MlflowEnvironment.Empty };
        sdk = new MlflowClient(options, loggerFactory: null, timeProvider: null, innerHandler: new ReplayHandler(bodies));
        // The same generated client over a bare HttpClient (no runtime pipeline): separates the pipeline's cost from
        // Kiota's serialization cost.
        kiotaOnly = new MlflowClient(new HttpClient(new ReplayHandler(bodies)), options.Resolve());
        plainHttp = new HttpClient(new ReplayHandler(bodies));
        baseline = new BaselineClient(plainHttp, BaseUrl);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        sdk.Dispose();
        kiotaOnly.Dispose();
        plainHttp.Dispose();
    }

    // ---- log one metric ----

    [Benchmark(Baseline = true), BenchmarkCategory("1 LogMetric")]
    public Task Baseline_LogMetric() =>
        baseline.LogMetricAsync(new LogMetricDto { RunId = "977a7df01a09461b8bbd890ce1ca605e", Key = "acc", Value = 0.875, Timestamp = 1795386973184, Step = 2 });

    [Benchmark, BenchmarkCategory("1 LogMetric")]
    public Task Sdk_LogMetric() =>
        sdk.Api.Api.V20.Mlflow.Runs.LogMetric.PostAsync(new LogMetric { RunId = "977a7df01a09461b8bbd890ce1ca605e", Key = "acc", Value = 0.875, Timestamp = 1795386973184, Step = 2 });


    [Benchmark, BenchmarkCategory("1 LogMetric")]
    public Task KiotaOnly_LogMetric() =>
        kiotaOnly.Api.Api.V20.Mlflow.Runs.LogMetric.PostAsync(new LogMetric { RunId = "977a7df01a09461b8bbd890ce1ca605e", Key = "acc", Value = 0.875, Timestamp = 1795386973184, Step = 2 });

    // ---- log a batch of 1,000 metrics ----

    [Benchmark(Baseline = true), BenchmarkCategory("2 LogBatch x1000")]
    public Task Baseline_LogBatch()
    {
        var metrics = new List<MetricDto>(BatchSize);
        for (var i = 0; i < BatchSize; i++) metrics.Add(new MetricDto { Key = "loss", Value = 1.0 / (i + 1), Timestamp = 1795386973184 + i, Step = i });
        return baseline.LogBatchAsync(new LogBatchDto { RunId = "977a7df01a09461b8bbd890ce1ca605e", Metrics = metrics });
    }

    [Benchmark, BenchmarkCategory("2 LogBatch x1000")]
    public Task Sdk_LogBatch()
    {
        var metrics = new List<Metric>(BatchSize);
        for (var i = 0; i < BatchSize; i++) metrics.Add(new Metric { Key = "loss", Value = 1.0 / (i + 1), Timestamp = 1795386973184 + i, Step = i });
        return sdk.Api.Api.V20.Mlflow.Runs.LogBatch.PostAsync(new LogBatch { RunId = "977a7df01a09461b8bbd890ce1ca605e", Metrics = metrics });
    }


    [Benchmark, BenchmarkCategory("2 LogBatch x1000")]
    public Task KiotaOnly_LogBatch()
    {
        var metrics = new List<Metric>(BatchSize);
        for (var i = 0; i < BatchSize; i++) metrics.Add(new Metric { Key = "loss", Value = 1.0 / (i + 1), Timestamp = 1795386973184 + i, Step = i });
        return kiotaOnly.Api.Api.V20.Mlflow.Runs.LogBatch.PostAsync(new LogBatch { RunId = "977a7df01a09461b8bbd890ce1ca605e", Metrics = metrics });
    }

    // ---- parse a 1,000-run search page ----

    [Benchmark(Baseline = true), BenchmarkCategory("3 SearchRuns page x1000")]
    public async Task<int> Baseline_SearchRuns()
    {
        var page = await baseline.SearchRunsAsync(new SearchRunsDto { ExperimentIds = ["1"], Filter = "metrics.acc > 0.1", MaxResults = SearchPageSize, OrderBy = ["start_time DESC"] });
        return page!.Runs!.Count;
    }

    [Benchmark, BenchmarkCategory("3 SearchRuns page x1000")]
    public async Task<int> Sdk_SearchRuns()
    {
        var page = await sdk.Api.Api.V20.Mlflow.Runs.Search.PostAsync(new SearchRuns { ExperimentIds = ["1"], Filter = "metrics.acc > 0.1", MaxResults = SearchPageSize, OrderBy = ["start_time DESC"] });
        return page!.Runs!.Count;
    }


    [Benchmark, BenchmarkCategory("3 SearchRuns page x1000")]
    public async Task<int> KiotaOnly_SearchRuns()
    {
        var page = await kiotaOnly.Api.Api.V20.Mlflow.Runs.Search.PostAsync(new SearchRuns { ExperimentIds = ["1"], Filter = "metrics.acc > 0.1", MaxResults = SearchPageSize, OrderBy = ["start_time DESC"] });
        return page!.Runs!.Count;
    }

    // ---- parse a 10,000-point metric history ----

    [Benchmark(Baseline = true), BenchmarkCategory("4 MetricHistory x10000")]
    public async Task<int> Baseline_MetricHistory()
    {
        var history = await baseline.GetMetricHistoryAsync("977a7df01a09461b8bbd890ce1ca605e", "loss", 25_000);
        return history!.Metrics!.Count;
    }

    [Benchmark, BenchmarkCategory("4 MetricHistory x10000")]
    public async Task<int> Sdk_MetricHistory()
    {
        var history = await sdk.Api.Api.V20.Mlflow.Metrics.GetHistory.GetAsync(c =>
        {
            c.QueryParameters.RunId = "977a7df01a09461b8bbd890ce1ca605e";
            c.QueryParameters.MetricKey = "loss";
            c.QueryParameters.MaxResults = 25_000;
        });
        return history!.Metrics!.Count;
    }

    [Benchmark, BenchmarkCategory("4 MetricHistory x10000")]
    public async Task<int> KiotaOnly_MetricHistory()
    {
        var history = await kiotaOnly.Api.Api.V20.Mlflow.Metrics.GetHistory.GetAsync(c =>
        {
            c.QueryParameters.RunId = "977a7df01a09461b8bbd890ce1ca605e";
            c.QueryParameters.MetricKey = "loss";
            c.QueryParameters.MaxResults = 25_000;
        });
        return history!.Metrics!.Count;
    }
}
