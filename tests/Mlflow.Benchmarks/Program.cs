using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Mlflow.Benchmarks;

// Usage: dotnet run -c Release --project tests/Mlflow.Benchmarks [-- --quick] [BenchmarkDotNet arguments]
//   --quick   3 warm-ups, 10 iterations, 1 launch: minutes instead of tens of minutes.
//   --check   one in-process pass of every benchmark that verifies both sides parse the same counts (no timing).
var quick = args.Contains("--quick");
if (args.Contains("--check"))
{
    var b = new OverheadBenchmarks();
    b.Setup();
    await b.Baseline_LogMetric(); await b.Sdk_LogMetric(); await b.KiotaOnly_LogMetric();
    await b.Baseline_LogBatch(); await b.Sdk_LogBatch(); await b.KiotaOnly_LogBatch();
    Console.WriteLine($"search runs: baseline {await b.Baseline_SearchRuns()}, sdk {await b.Sdk_SearchRuns()}, kiota only {await b.KiotaOnly_SearchRuns()}");
    Console.WriteLine($"metric history: baseline {await b.Baseline_MetricHistory()}, sdk {await b.Sdk_MetricHistory()}, kiota only {await b.KiotaOnly_MetricHistory()}");
    b.Cleanup();
    return;
}

var rest = args.Where(a => a is not "--quick").ToArray();
IConfig config = DefaultConfig.Instance;
if (quick) config = config.AddJob(Job.ShortRun.WithIterationCount(10).WithId("Quick"));
var summary = BenchmarkRunner.Run<OverheadBenchmarks>(config, rest);
PrintRatios(summary);

static void PrintRatios(Summary summary)
{
    Console.WriteLine();
    Console.WriteLine("Median time and allocated bytes per operation; x = ratio to the hand-written baseline (target: SDK time <= 1.25x, allocations <= 2x).");
    Console.WriteLine("KiotaOnly = the generated client over a bare HttpClient; pipeline = SDK / KiotaOnly (the runtime's own share).");
    Console.WriteLine($"{"call",-24} {"baseline",10} {"sdk",10} {"time x",7} {"kiota x",8} {"pipeline x",10} | {"baseline",10} {"sdk",10} {"alloc x",8} {"kiota x",8} {"pipeline x",10}  verdict");
    var reports = summary.Reports.Where(r => r.ResultStatistics is not null).ToList();
    foreach (var group in reports.GroupBy(r => r.BenchmarkCase.Descriptor.Categories.FirstOrDefault() ?? "?").OrderBy(g => g.Key))
    {
        BenchmarkReport? Find(string prefix) => group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name.StartsWith(prefix, StringComparison.Ordinal));
        var (b, s, k) = (Find("Baseline_"), Find("Sdk_"), Find("KiotaOnly_"));
        if (b is null || s is null) continue;
        double Time(BenchmarkReport? r) => r?.ResultStatistics?.Median ?? double.NaN;
        double Alloc(BenchmarkReport? r) => r is null ? double.NaN : r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? double.NaN;
        var timeX = Time(s) / Time(b);
        var allocX = Alloc(s) / Alloc(b);
        var verdict = timeX <= 1.25 && allocX <= 2 ? "within target" : "OVER target";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{group.Key,-24} {Format(Time(b)),10} {Format(Time(s)),10} {timeX,7:0.00} {Time(k) / Time(b),8:0.00} {Time(s) / Time(k),10:0.00} | {Bytes(Alloc(b)),10} {Bytes(Alloc(s)),10} {allocX,8:0.00} {Alloc(k) / Alloc(b),8:0.00} {Alloc(s) / Alloc(k),10:0.00}  {verdict}"));
    }
}

static string Format(double ns) => ns switch
{
    >= 1e6 => (ns / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " ms",
    >= 1e3 => (ns / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + " us",
    _ => ns.ToString("0", CultureInfo.InvariantCulture) + " ns",
};

static string Bytes(double bytes) => bytes switch
{
    double.NaN => "n/a",
    >= 1 << 20 => (bytes / 1048576.0).ToString("0.00", CultureInfo.InvariantCulture) + " MB",
    >= 1 << 10 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KB",
    _ => bytes.ToString("0", CultureInfo.InvariantCulture) + " B",
};
