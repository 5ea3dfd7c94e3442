using System.Diagnostics;
using BenchmarkDotNet.Running;
using Mlflow.Generators.Benchmarks;

if (args.Contains("--quick"))
{
    // A stopwatch pass for a quick look: median of several runs after warm-up.
    var bench = new GeneratorBenchmarks();
    bench.Setup();
    var driver = bench.NewDriver().RunGenerators(bench.Compilation);
    var files = driver.GetRunResult().GeneratedTrees.Length;
    Console.WriteLine($"spec {Paths.Spec} ({new FileInfo(Paths.Spec).Length / 1024} KiB): {files} generated files");
    Console.WriteLine($"full run (cold driver):      median {Median(7, () => bench.FullRun()):F1} ms");
    Console.WriteLine($"incremental rerun (cached):  median {Median(51, () => bench.IncrementalRerun()):F2} ms");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(GeneratorBenchmarks).Assembly).Run(args);

static double Median(int runs, Action action)
{
    action();
    var times = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        var watch = Stopwatch.StartNew();
        action();
        times.Add(watch.Elapsed.TotalMilliseconds);
    }

    times.Sort();
    return times[times.Count / 2];
}
