using System.Collections;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mlflow.Artifacts;
using Mlflow.Testing;

namespace Mlflow.Artifacts.Tests;

/// <summary>The Python client's artifact calls against the embedded server's artifact proxy.</summary>
public sealed class ProxyArtifactTests
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3];

    [Fact]
    public async Task Log_list_and_download_files_and_folders_as_in_python()
    {
        await using var env = await ServerAndClient.StartAsync();
        var mlflow = env.Client;
        var runId = await env.NewRunAsync();
        using var local = new TempDir();
        var notes = local.File("notes.txt", "hello\nünïcödé ✓\n");
        local.File("outputs/metrics.csv", "a,b\n1,2\n");
        local.File("outputs/plots/loss.bin", Bytes.Random(70_000, 1));
        local.File("outputs/.hidden", "kept");

        await mlflow.LogArtifactAsync(runId, notes);                                   // log_artifact(run_id, "notes.txt")
        await mlflow.LogArtifactAsync(runId, notes, "docs");                           // ... artifact_path="docs"
        await mlflow.LogArtifactsAsync(runId, Path.Combine(local.Path, "outputs"));    // log_artifacts(run_id, "outputs/")
        await mlflow.LogArtifactsAsync(runId, Path.Combine(local.Path, "outputs"), "copy");
        await mlflow.LogArtifactAsync(runId, Path.Combine(local.Path, "outputs"), "tree"); // a directory logs under its name

        var root = await mlflow.ListArtifactsAsync(runId);
        Assert.Equal(
            [(".hidden", false), ("copy", true), ("docs", true), ("metrics.csv", false), ("notes.txt", false), ("plots", true), ("tree", true)],
            root.Select(f => (f.Path, f.IsDirectory)));
        Assert.Equal(Encoding.UTF8.GetByteCount("hello\nünïcödé ✓\n"), root.Single(f => f.Path == "notes.txt").FileSize);
        Assert.Equal(["tree/outputs"], (await mlflow.ListArtifactsAsync(runId, "tree")).Select(f => f.Path));
        Assert.Empty(await mlflow.ListArtifactsAsync(runId, "notes.txt")); // a file lists as nothing
        Assert.Empty(await mlflow.ListArtifactsAsync(runId, "missing"));

        using var dst = new TempDir();
        var file = await mlflow.DownloadArtifactsAsync(runId, "docs/notes.txt", dst.Path);
        Assert.Equal(Path.Combine(dst.Path, "docs", "notes.txt"), file);
        Assert.Equal(File.ReadAllBytes(notes), File.ReadAllBytes(file));

        var folder = await mlflow.DownloadArtifactsAsync(runId, "copy", dst.Path);
        Assert.Equal(Path.Combine(dst.Path, "copy"), folder);
        Assert.Equal(TempDir.Snapshot(Path.Combine(local.Path, "outputs")), TempDir.Snapshot(folder));

        var everything = await mlflow.DownloadArtifactsAsync(runId, "");               // download_artifacts(run_id, "", None)
        Assert.StartsWith(Path.GetTempPath(), everything, StringComparison.Ordinal);
        var snapshot = TempDir.Snapshot(everything);
        Assert.Equal(File.ReadAllBytes(Path.Combine(local.Path, "outputs/plots/loss.bin")), snapshot["tree/outputs/plots/loss.bin"]);
        Assert.Equal(11, snapshot.Count);
        Directory.Delete(everything, recursive: true);
    }

    [Fact]
    public async Task Text_dict_yaml_table_and_image_artifacts()
    {
        await using var env = await ServerAndClient.StartAsync();
        var mlflow = env.Client;
        var runId = await env.NewRunAsync();

        await mlflow.LogTextAsync(runId, "línea 1\n", "notes/readme.md");
        var config = new JsonObject { ["model"] = "gbm", ["params"] = new JsonObject { ["lr"] = 0.1, ["depth"] = 3 }, ["tags"] = new JsonArray("a", "b: c"), ["empty"] = null };
        await mlflow.LogDictAsync(runId, config, "config.json");
        await mlflow.LogDictAsync(runId, config, "config.yaml");
        await mlflow.LogTableAsync(runId, new Dictionary<string, IEnumerable> { ["x"] = new[] { 1, 2 }, ["label"] = new[] { "a", "b" } }, "tables/predictions.json");
        await mlflow.LogTableAsync(runId, new Dictionary<string, IEnumerable> { ["x"] = new[] { 3 }, ["score"] = new[] { 0.5 } }, "tables/predictions.json");
        await mlflow.LogImageAsync(runId, Png, "plots/roc.png");
        await using (var stream = new MemoryStream(Png)) await mlflow.LogImageAsync(runId, stream, "plots/roc2.png");

        using var dst = new TempDir();
        Assert.Equal("línea 1\n", File.ReadAllText(await mlflow.DownloadArtifactsAsync(runId, "notes/readme.md", dst.Path)));
        var json = JsonNode.Parse(File.ReadAllText(await mlflow.DownloadArtifactsAsync(runId, "config.json", dst.Path)))!;
        Assert.True(JsonNode.DeepEquals(config, json));
        Assert.Equal(
            "empty: null\nmodel: gbm\nparams:\n  depth: 3\n  lr: 0.1\ntags:\n- a\n- 'b: c'\n",
            File.ReadAllText(await mlflow.DownloadArtifactsAsync(runId, "config.yaml", dst.Path)));
        var table = JsonNode.Parse(File.ReadAllText(await mlflow.DownloadArtifactsAsync(runId, "tables/predictions.json", dst.Path)))!;
        Assert.Equal("""{"columns":["x","label","score"],"data":[[1,"a",null],[2,"b",null],[3,null,0.5]]}""", table.ToJsonString());
        Assert.Equal(Png, File.ReadAllBytes(await mlflow.DownloadArtifactsAsync(runId, "plots/roc2.png", dst.Path)));

        var tags = (await mlflow.GetRunAsync(runId)).Data!.Tags!.ToDictionary(t => t.Key!, t => t.Value);
        Assert.Equal("""[{"path": "tables/predictions.json", "type": "table"}]""", tags["mlflow.loggedArtifacts"]);

        Assert.Contains(".json", Assert.Throws<ArgumentException>(() => mlflow.LogTableAsync(runId, new Dictionary<string, IEnumerable>(), "t.csv").GetAwaiter().GetResult()).Message, StringComparison.Ordinal);
        Assert.Contains("same length", (await Assert.ThrowsAsync<ArgumentException>(() => mlflow.LogTableAsync(runId, new Dictionary<string, IEnumerable> { ["a"] = new[] { 1 }, ["b"] = new[] { 1, 2 } }, "t.json"))).Message, StringComparison.Ordinal);
        Assert.Contains("PNG", (await Assert.ThrowsAsync<ArgumentException>(() => mlflow.LogImageAsync(runId, new byte[] { 0xFF, 0xD8, 0xFF, 0 }, "x.png"))).Message, StringComparison.Ordinal);
        Assert.Contains("not an encoded image", (await Assert.ThrowsAsync<ArgumentException>(() => mlflow.LogImageAsync(runId, new byte[] { 1, 2, 3 }, "x.jpg"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uris_runs_models_aliases_stages_and_the_proxy()
    {
        await using var env = await ServerAndClient.StartAsync();
        var mlflow = env.Client;
        var runId = await env.NewRunAsync();
        using var local = new TempDir();
        local.File("model/MLmodel", "flavors: {}\n");
        local.File("model/data/weights.bin", Bytes.Random(1000, 2));
        await mlflow.LogArtifactsAsync(runId, local.Path);
        var run = await mlflow.GetRunAsync(runId);
        var name = "uri-model-" + Guid.NewGuid().ToString("N")[..6];
        await mlflow.CreateRegisteredModelAsync(name);
        var version = await mlflow.CreateModelVersionAsync(name, run.Info!.ArtifactUri + "/model", runId: runId);
        await mlflow.SetRegisteredModelAliasAsync(name, "champion", version.Version!);
        await mlflow.TransitionModelVersionStageAsync(name, version.Version!, "Production", archiveExistingVersions: false);

        using var dst = new TempDir();
        var expected = TempDir.Snapshot(Path.Combine(local.Path, "model"));
        foreach (var uri in new[] { $"models:/{name}/{version.Version}", $"models:/{name}@champion", $"models:/{name}/latest", $"models:/{name}/Production", $"runs:/{runId}/model", run.Info.ArtifactUri + "/model" })
        {
            var target = Path.Combine(dst.Path, Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(target);
            var downloaded = await mlflow.DownloadArtifactsAsync(artifactUri: uri, dstPath: target);
            Assert.Equal(expected, TempDir.Snapshot(downloaded));
        }

        // The last segment lands in dst (mlflow.artifacts.download_artifacts semantics).
        var single = await mlflow.DownloadArtifactsAsync(artifactUri: $"runs:/{runId}/model/data/weights.bin", dstPath: dst.Path);
        Assert.Equal(Path.Combine(dst.Path, "weights.bin"), single);
        var aliasFile = await mlflow.DownloadArtifactsAsync(artifactUri: $"models:/{name}@champion/MLmodel", dstPath: dst.Path);
        Assert.Equal("flavors: {}\n", File.ReadAllText(aliasFile));

        var missingStage = await Assert.ThrowsAsync<MlflowException>(() => mlflow.DownloadArtifactsAsync(artifactUri: $"models:/{name}/Staging", dstPath: dst.Path));
        Assert.Contains("stage 'Staging'", missingStage.Message, StringComparison.Ordinal);
        var notARun = await Assert.ThrowsAsync<ArgumentException>(() => mlflow.DownloadArtifactsAsync($"runs:/{runId}/model", dst.Path)); // (runId, path): a URI there is refused
        Assert.Contains("artifactUri:", notARun.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logged_model_artifacts()
    {
        // Logged models come from the server when it implements them, else from MLflow's recorded answer
        // (tests/data/mlflow-wire/exchanges/logged-models/0147), whose artifact URI the embedded proxy then serves.
        string modelId;
        Func<HttpMessageHandler, HttpMessageHandler>? wrap = null;
        if (MlflowTestServer.ImplementedOperations.Contains("getLoggedModel"))
        {
            modelId = "";
        }
        else
        {
            var recorded = Mlflow.TestSupport.WireCorpus.Exchanges.Single(e => e.Id == "0147");
            modelId = (string)recorded.Response["body"]!["model"]!["info"]!["model_id"]!;
            var body = recorded.Response["body"]!.ToJsonString();
            wrap = inner => new RecordedLoggedModel(inner, modelId, body);
        }

        await using var env = await ServerAndClient.StartAsync(wrap: wrap);
        var mlflow = env.Client;
        if (modelId.Length == 0)
        {
            var experimentId = await mlflow.CreateExperimentAsync("logged-" + Guid.NewGuid().ToString("N")[..6]);
            modelId = (await mlflow.CreateLoggedModelAsync(experimentId, name: "m")).Info!.ModelId!;
        }

        using var local = new TempDir();
        var mlmodel = local.File("MLmodel", "artifact_path: model\n");
        local.File("code/agent.py", "print('agent')\n");
        await mlflow.LogModelArtifactAsync(modelId, mlmodel);
        await mlflow.LogModelArtifactsAsync(modelId, Path.Combine(local.Path, "code"), "code");
        Assert.Equal([("MLmodel", false), ("code", true)], (await mlflow.ListLoggedModelArtifactsAsync(modelId)).Select(f => (f.Path, f.IsDirectory)));
        Assert.Equal(["code/agent.py"], (await mlflow.ListLoggedModelArtifactsAsync(modelId, "code")).Select(f => f.Path));
        using var dst = new TempDir();
        var downloaded = await mlflow.DownloadArtifactsAsync(artifactUri: $"models:/{modelId}", dstPath: dst.Path);
        Assert.Equal(TempDir.Snapshot(local.Path), TempDir.Snapshot(downloaded));
    }

    [Fact]
    public async Task Bad_input_fails_before_anything_is_sent()
    {
        await using var env = await ServerAndClient.StartAsync();
        var mlflow = env.Client;
        var runId = await env.NewRunAsync();
        using var local = new TempDir();
        var file = local.File("ok.txt", "x");
        local.File("tree/hash#1.txt", "x");
        var before = env.Recorder.Requests.Count;

        await Assert.ThrowsAsync<ArgumentException>(() => mlflow.LogArtifactAsync(runId, file, "../up"));
        await Assert.ThrowsAsync<ArgumentException>(() => mlflow.LogArtifactAsync(runId, file, "/abs"));
        await Assert.ThrowsAsync<ArgumentException>(() => mlflow.LogArtifactAsync(runId, file, "a//b"));
        await Assert.ThrowsAsync<ArgumentException>(() => mlflow.LogTextAsync(runId, "x", "a/../b.txt"));
        await Assert.ThrowsAsync<ArgumentException>(() => mlflow.DownloadArtifactsAsync(runId, "../etc"));
        await Assert.ThrowsAsync<FileNotFoundException>(() => mlflow.LogArtifactAsync(runId, Path.Combine(local.Path, "missing.txt")));
        Assert.Equal(before, env.Recorder.Requests.Count);

        // Names the MLflow proxy would refuse or rename: refused once the root is known, before any PUT.
        var hash = await Assert.ThrowsAsync<ArgumentException>(() => mlflow.LogArtifactsAsync(runId, Path.Combine(local.Path, "tree")));
        Assert.Contains("'#'", hash.Message, StringComparison.Ordinal);
        var pct = await Assert.ThrowsAsync<ArgumentException>(() => mlflow.LogTextAsync(runId, "x", "pct%41.txt"));
        Assert.Contains("pctA.txt", pct.Message, StringComparison.Ordinal);
        Assert.Equal(0, env.Recorder.Count("PUT", "/mlflow-artifacts/"));
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => mlflow.DownloadArtifactsAsync(runId, "", Path.Combine(local.Path, "nope")));
    }

    [Fact]
    public async Task The_embedded_proxy_decodes_and_refuses_paths_as_mlflow_does()
    {
        await using var env = await ServerAndClient.StartAsync();
        var runId = await env.NewRunAsync();
        var root = (await env.Client.GetRunAsync(runId)).Info!.ArtifactUri!["mlflow-artifacts:/".Length..];
        using var http = new HttpClient { BaseAddress = env.Server.BaseUri };
        async Task<int> Put(string rawPath)
        {
            using var response = await http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{root}/{rawPath}", new ByteArrayContent([1]));
            return (int)response.StatusCode;
        }

        Assert.Equal(400, await Put("..%2F..%2Fescape.txt"));       // the recorded MLflow answer (0128)
        Assert.Equal(400, await Put("hash%231.txt"));
        Assert.Equal(400, await Put("%252E%252E/x.txt"));
        Assert.Equal(200, await Put("pct%2541.txt"));               // MLflow decodes once more: stored as pctA.txt
        Assert.Equal(200, await Put("sp%20ace%2Bplus.txt"));
        var names = (await env.Client.ListArtifactsAsync(runId)).Select(f => f.Path).ToList();
        Assert.Equal(["pctA.txt", "sp ace+plus.txt"], names);
    }

    [Fact]
    public async Task Progress_reports_bytes_files_and_the_current_file()
    {
        await using var env = await ServerAndClient.StartAsync();
        var runId = await env.NewRunAsync();
        using var local = new TempDir();
        for (var i = 0; i < 5; i++) local.File($"f{i}.bin", Bytes.Random(300_000 + i, i));
        var upload = new ProgressLog();
        await env.Client.LogArtifactsAsync(runId, local.Path, "p", upload);
        var total = 5 * 300_000 + 10;
        Assert.All(upload.Reports, r => Assert.Equal((ArtifactTransferDirection.Upload, (long?)total, 5), (r.Direction, r.TotalBytes, r.TotalFiles)));
        Assert.Equal(5, upload.Reports.Count(r => r.FileCompleted));
        Assert.Equal(total, upload.Reports.Max(r => r.BytesTransferred));
        Assert.Equal(5, upload.Reports.Max(r => r.FilesCompleted));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"p/f{i}.bin"), upload.Reports.Select(r => r.ArtifactPath).Distinct().Order());
        Assert.True(upload.Reports.Count(r => !r.FileCompleted) >= 5);

        var download = new ProgressLog();
        using var dst = new TempDir();
        await env.Client.DownloadArtifactsAsync(runId, "p", dst.Path, download);
        Assert.Equal(5, download.Reports.Count(r => r.FileCompleted));
        Assert.Equal(total, download.Reports.Max(r => r.BytesTransferred));
        Assert.All(download.Reports, r => Assert.Equal((long?)total, r.TotalBytes));
    }

    [Fact]
    public async Task A_cancelled_download_leaves_no_partial_file()
    {
        await using var env = await ServerAndClient.StartAsync();
        var runId = await env.NewRunAsync();
        using var local = new TempDir();
        local.File("big.bin", Bytes.Random(8 * 1024 * 1024, 3));
        await env.Client.LogArtifactsAsync(runId, local.Path);
        using var dst = new TempDir();
        using var cancel = new CancellationTokenSource();
        var progress = new CancelAfterBytes(cancel, 1024 * 1024);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => env.Client.DownloadArtifactsAsync(runId, "big.bin", dst.Path, progress, cancel.Token));
        var left = Directory.EnumerateFiles(dst.Path, "*", SearchOption.AllDirectories).ToList();
        Assert.True(left.Count == 0, "left behind: " + string.Join(", ", left));
    }

    [Fact]
    public async Task Failures_of_some_files_are_listed_and_the_others_are_stored()
    {
        await using var env = await ServerAndClient.StartAsync(wrap: inner => new FailPutsContaining(inner, "bad"));
        var runId = await env.NewRunAsync();
        using var local = new TempDir();
        local.File("good1.txt", "1");
        local.File("bad.txt", "2");
        local.File("good2.txt", "3");
        var error = await Assert.ThrowsAsync<MlflowArtifactException>(() => env.Client.LogArtifactsAsync(runId, local.Path));
        Assert.Equal(["bad.txt"], error.FailedPaths);
        Assert.Contains("1 of 3", error.Message, StringComparison.Ordinal);
        Assert.Equal(["good1.txt", "good2.txt"], (await env.Client.ListArtifactsAsync(runId)).Select(f => f.Path));
    }

    /// <summary>Answers get-logged-model with MLflow's recorded answer; everything else goes to the embedded server.</summary>
    private sealed class RecordedLoggedModel(HttpMessageHandler inner, string modelId, string body) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.EndsWith("/api/2.0/mlflow/logged-models/" + modelId, StringComparison.Ordinal))
            {
                return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json"), RequestMessage = request });
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class FailPutsContaining(HttpMessageHandler inner, string marker) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.Method == HttpMethod.Put && request.RequestUri!.AbsolutePath.Contains(marker, StringComparison.Ordinal)
                ? Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.Forbidden) { Content = new StringContent("{\"error_code\":\"PERMISSION_DENIED\",\"message\":\"no\"}"), RequestMessage = request })
                : base.SendAsync(request, cancellationToken);
    }

    private sealed class CancelAfterBytes(CancellationTokenSource cancel, long bytes) : IProgress<ArtifactTransferProgress>
    {
        public void Report(ArtifactTransferProgress value)
        {
            if (value.BytesTransferred >= bytes) cancel.Cancel();
        }
    }
}
