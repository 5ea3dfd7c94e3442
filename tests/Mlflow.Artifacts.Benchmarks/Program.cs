using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Transfer;
using Mlflow;
using Mlflow.Testing;

// Artifact benchmarks. Parent: makes the test file, starts the embedded server (files on disk) and moto_server, runs
// each scenario in its own child process (so each peak working set is that scenario's), prints the table.
//   dotnet run -c Release --project tests/Mlflow.Artifacts.Benchmarks -- [--size-mb 1024] [--files 1000] [--skip-s3]
if (args.Length > 0 && args[0] == "--child") return await Child.RunAsync(args[1..]);
return await Parent.RunAsync(args);

internal static class Parent
{
    public static async Task<int> RunAsync(string[] args)
    {
        var sizeMb = Option(args, "--size-mb", 1024);
        var files = Option(args, "--files", 1000);
        var skipS3 = args.Contains("--skip-s3");
        var work = Directory.CreateTempSubdirectory("mlflow-artifact-bench-").FullName;
        Process? moto = null;
        try
        {
            var file = Path.Combine(work, "big.bin");
            Console.WriteLine($"Writing a {sizeMb} MB test file to {work} ...");
            WriteFile(file, sizeMb);
            var small = Path.Combine(work, "small");
            Directory.CreateDirectory(small);
            for (var i = 0; i < files; i++) File.WriteAllBytes(Path.Combine(small, $"f{i:D4}.txt"), RandomBytes(2048, i));

            await using var server = new MlflowTestServer(new MlflowTestServerOptions { ArtifactsDestination = Path.Combine(work, "server-artifacts") });
            var tracking = (await server.StartAsync()).ToString();
            string? s3 = null;
            if (!skipS3)
            {
                (moto, s3) = StartMoto();
                using var raw = S3Client(s3);
                await raw.PutBucketAsync("bench");
            }

            var results = new List<JsonElement>();
            foreach (var scenario in new[] { "proxy-http", "proxy-sdk" }.Concat(s3 is null ? [] : new[] { "s3-transferutility", "s3-sdk" }))
            {
                Console.WriteLine($"  {scenario} ...");
                results.Add(await RunChildAsync(scenario, tracking, file, s3 ?? "", work));
            }

            foreach (var scenario in new[] { "small-sequential", "small-parallel", "small-sequential-2ms", "small-parallel-2ms" })
            {
                Console.WriteLine($"  {scenario} ...");
                results.Add(await RunChildAsync(scenario, tracking, small, "", work));
            }

            Print(sizeMb, files, results);
            return 0;
        }
        finally
        {
            if (moto is not null)
            {
                moto.Kill(entireProcessTree: true);
                moto.WaitForExit(10_000);
            }

            Directory.Delete(work, recursive: true);
        }
    }

    private static void Print(int sizeMb, int files, List<JsonElement> results)
    {
        double Get(string scenario, string key) => results.First(r => r.GetProperty("scenario").GetString() == scenario).GetProperty(key).GetDouble();
        Console.WriteLine();
        Console.WriteLine($"{sizeMb} MB file, {Environment.ProcessorCount} cores; MB/s (1 MB = 2^20 bytes), peak working set of the client process");
        Console.WriteLine("scenario              upload MB/s  download MB/s  peak WS MB");
        foreach (var r in results.Where(r => !r.GetProperty("scenario").GetString()!.StartsWith("small", StringComparison.Ordinal)))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.GetProperty("scenario").GetString(),-20} {r.GetProperty("upload").GetDouble(),12:0.0} {r.GetProperty("download").GetDouble(),14:0.0} {r.GetProperty("peakMb").GetDouble(),11:0}"));
        }

        if (results.Any(r => r.GetProperty("scenario").GetString() == "proxy-sdk"))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"proxy: SDK / plain HttpClient = {100 * Get("proxy-sdk", "upload") / Get("proxy-http", "upload"):0}% upload, {100 * Get("proxy-sdk", "download") / Get("proxy-http", "download"):0}% download"));
        }

        if (results.Any(r => r.GetProperty("scenario").GetString() == "s3-sdk"))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"s3:    SDK / plain TransferUtility = {100 * Get("s3-sdk", "upload") / Get("s3-transferutility", "upload"):0}% upload, {100 * Get("s3-sdk", "download") / Get("s3-transferutility", "download"):0}% download"));
        }

        Console.WriteLine();
        Console.WriteLine($"{files} files of 2 KB through the proxy: seconds (sequential LogArtifactAsync loop vs one LogArtifactsAsync)");
        foreach (var suffix in new[] { "", "-2ms" })
        {
            var sequential = Get("small-sequential" + suffix, "seconds");
            var parallel = Get("small-parallel" + suffix, "seconds");
            var label = suffix.Length == 0 ? "loopback" : "+2 ms per request (simulated network round trip)";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label}: sequential {sequential:0.00} s, parallel {parallel:0.00} s, speed-up {sequential / parallel:0.0}x"));
        }
    }

    private static async Task<JsonElement> RunChildAsync(string scenario, string tracking, string path, string s3, string work)
    {
        var self = typeof(Parent).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [self, "--child", scenario, tracking, path, s3, work])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        if (child.ExitCode != 0) throw new InvalidOperationException($"{scenario} failed ({child.ExitCode}): {output}");
        return JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement.Clone();
    }

    private static (Process Moto, string Endpoint) StartMoto()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var moto = Process.Start(new ProcessStartInfo("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        moto.BeginOutputReadLine();
        moto.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return (moto, $"http://127.0.0.1:{port}");
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !moto.HasExited)
            {
                Thread.Sleep(200);
            }
        }
    }

    public static AmazonS3Client S3Client(string endpoint) =>
        new(new BasicAWSCredentials("bench", "bench"), new AmazonS3Config { ServiceURL = endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    private static void WriteFile(string path, int sizeMb)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        var block = RandomBytes(1 << 20, 42);
        for (var i = 0; i < sizeMb; i++)
        {
            block[i % block.Length] ^= (byte)i;
            stream.Write(block);
        }
    }

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}

internal static class Child
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (scenario, tracking, path, s3, work) = (args[0], args[1], args[2], args[3], args[4]);
        var result = new Dictionary<string, object> { ["scenario"] = scenario };
        var env = MlflowEnvironment.FromDictionary(new Dictionary<string, string?>
        {
            ["MLFLOW_S3_ENDPOINT_URL"] = s3.Length > 0 ? s3 : null,
            ["AWS_ACCESS_KEY_ID"] = "bench",
            ["AWS_SECRET_ACCESS_KEY"] = "bench",
            ["AWS_DEFAULT_REGION"] = "us-east-1",
        });
        var delay = scenario.EndsWith("-2ms", StringComparison.Ordinal) ? TimeSpan.FromMilliseconds(2) : TimeSpan.Zero;
        using var mlflow = new MlflowClient(new MlflowClientOptions { TrackingUri = tracking, EnvironmentSource = env }, null, null,
            delay > TimeSpan.Zero ? new Latency(new SocketsHttpHandler(), delay) : null);
        var experimentId = await mlflow.CreateExperimentAsync("bench-" + Guid.NewGuid().ToString("N")[..8]);
        var runId = (await mlflow.CreateRunAsync(experimentId: experimentId)).Info!.RunId!;
        var length = File.Exists(path) ? new FileInfo(path).Length : 0;
        var download = Path.Combine(work, "download-" + scenario);
        Directory.CreateDirectory(download);
        var clock = Stopwatch.StartNew();
        switch (scenario)
        {
            case "proxy-sdk":
                await mlflow.LogArtifactAsync(runId, path);
                result["upload"] = Rate(length, clock);
                clock.Restart();
                await mlflow.DownloadArtifactsAsync(runId, "big.bin", download);
                result["download"] = Rate(length, clock);
                break;
            case "proxy-http":
            {
                var root = (await mlflow.GetRunAsync(runId)).Info!.ArtifactUri!["mlflow-artifacts:/".Length..];
                var url = $"{tracking.TrimEnd('/')}/api/2.0/mlflow-artifacts/artifacts/{root}/big.bin";
                using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                await using (var source = File.OpenRead(path))
                {
                    using var put = await http.PutAsync(url, new StreamContent(source));
                    put.EnsureSuccessStatusCode();
                }

                result["upload"] = Rate(length, clock);
                clock.Restart();
                using (var get = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead))
                await using (var target = File.Create(Path.Combine(download, "big.bin")))
                {
                    await (await get.Content.ReadAsStreamAsync()).CopyToAsync(target);
                }

                result["download"] = Rate(length, clock);
                break;
            }

            case "s3-sdk":
            {
                var repository = mlflow.GetArtifactRepository($"s3://bench/sdk/{runId}");
                await repository.LogArtifactAsync(path);
                result["upload"] = Rate(length, clock);
                clock.Restart();
                await repository.DownloadArtifactsAsync("big.bin", download);
                result["download"] = Rate(length, clock);
                break;
            }

            case "s3-transferutility":
            {
                using var client = Parent.S3Client(s3);
                using var transfer = new TransferUtility(client);
                await transfer.UploadAsync(path, "bench", $"plain/{runId}/big.bin");
                result["upload"] = Rate(length, clock);
                clock.Restart();
                await transfer.DownloadAsync(Path.Combine(download, "big.bin"), "bench", $"plain/{runId}/big.bin");
                result["download"] = Rate(length, clock);
                break;
            }

            case "small-sequential" or "small-sequential-2ms":
                foreach (var file in Directory.EnumerateFiles(path).Order(StringComparer.Ordinal)) await mlflow.LogArtifactAsync(runId, file, "seq");
                result["seconds"] = clock.Elapsed.TotalSeconds;
                break;
            case "small-parallel" or "small-parallel-2ms":
                await mlflow.LogArtifactsAsync(runId, path, "par");
                result["seconds"] = clock.Elapsed.TotalSeconds;
                break;
        }

        Directory.Delete(download, recursive: true);
        result["peakMb"] = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    private static double Rate(long bytes, Stopwatch clock) => bytes / (1024.0 * 1024.0) / clock.Elapsed.TotalSeconds;

    /// <summary>Waits before each request, like a network round trip would.</summary>
    private sealed class Latency(HttpMessageHandler inner, TimeSpan delay) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
