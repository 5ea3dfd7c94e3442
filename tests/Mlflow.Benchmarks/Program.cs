using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Mlflow.Benchmarks;

// Usage: dotnet run -c Release --project tests/Mlflow.Benchmarks [-- --quick] [BenchmarkDotNet arguments]
//   --quick   BenchmarkDotNet's ShortRun job (3 warm-ups, 3 iterations): minutes instead of tens of minutes.
//   --check   one in-process pass of every benchmark that verifies both sides parse the same counts (no timing).
var quick = args.Contains("--quick");
if (args.Contains("--check"))
{
    var b = new OverheadBenchmarks();
    b.Setup();
    await b.Baseline_LogMetric(); await b.Sdk_LogMetric();
    await b.Baseline_LogBatch(); await b.Sdk_LogBatch();
    Console.WriteLine($"search runs: baseline {await b.Baseline_SearchRuns()}, sdk {await b.Sdk_SearchRuns()}");
    Console.WriteLine($"metric history: baseline {await b.Baseline_MetricHistory()}, sdk {await b.Sdk_MetricHistory()}");
    b.Cleanup();
    return;
}

var rest = args.Where(a => a is not "--quick").ToArray();
IConfig config = DefaultConfig.Instance;
if (quick) config = config.AddJob(Job.ShortRun);
var summary = BenchmarkRunner.Run<OverheadBenchmarks>(config, rest);
PrintRatios(summary);

static void PrintRatios(Summary summary)
{
    Console.WriteLine();
    Console.WriteLine("SDK / baseline (target: time <= 1.25x, allocations <= 2x)");
    Console.WriteLine($"{"call",-26} {"baseline",12} {"sdk",12} {"time x",8} {"base alloc",12} {"sdk alloc",12} {"alloc x",8}  verdict");
    var reports = summary.Reports.Where(r => r.ResultStatistics is not null).ToList();
    foreach (var group in reports.GroupBy(r => r.BenchmarkCase.Descriptor.Categories.FirstOrDefault() ?? "?").OrderBy(g => g.Key))
    {
        var baseReport = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.Baseline);
        var sdkReport = group.FirstOrDefault(r => !r.BenchmarkCase.Descriptor.Baseline);
        if (baseReport is null || sdkReport is null) continue;
        var baseTime = baseReport.ResultStatistics!.Mean;
        var sdkTime = sdkReport.ResultStatistics!.Mean;
        var baseAlloc = baseReport.GcStats.GetBytesAllocatedPerOperation(baseReport.BenchmarkCase) ?? 0;
        var sdkAlloc = sdkReport.GcStats.GetBytesAllocatedPerOperation(sdkReport.BenchmarkCase) ?? 0;
        var timeRatio = sdkTime / baseTime;
        var allocRatio = baseAlloc == 0 ? double.NaN : (double)sdkAlloc / baseAlloc;
        var verdict = timeRatio <= 1.25 && allocRatio <= 2 ? "within target" : "OVER target";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{group.Key,-26} {Format(baseTime),12} {Format(sdkTime),12} {timeRatio,8:0.00} {Bytes(baseAlloc),12} {Bytes(sdkAlloc),12} {allocRatio,8:0.00}  {verdict}"));
    }
}

static string Format(double ns) => ns switch
{
    >= 1e6 => (ns / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " ms",
    >= 1e3 => (ns / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + " us",
    _ => ns.ToString("0", CultureInfo.InvariantCulture) + " ns",
};

static string Bytes(long bytes) => bytes switch
{
    >= 1 << 20 => (bytes / 1048576.0).ToString("0.00", CultureInfo.InvariantCulture) + " MB",
    >= 1 << 10 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KB",
    _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
};
