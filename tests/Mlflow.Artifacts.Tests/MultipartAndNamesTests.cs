using System.Text;
using Mlflow.Artifacts;
using Mlflow.Testing;

namespace Mlflow.Artifacts.Tests;

/// <summary>Multipart uploads through the proxy's routes, and names that must come back exactly.</summary>
public sealed class MultipartAndNamesTests
{
    private static void SmallParts(MlflowClientOptions o)
    {
        o.Artifacts.ProxyMultipartUpload = true;
        o.Artifacts.MultipartUploadMinimumFileSize = 1024 * 1024;
        o.Artifacts.MultipartUploadChunkSize = 256 * 1024;
    }

    [Fact]
    public async Task Large_files_go_in_parts_to_the_presigned_urls_and_are_completed()
    {
        await using var env = await ServerAndClient.StartAsync(new MlflowTestServerOptions { MultipartUpload = true }, SmallParts);
        var runId = await env.NewRunAsync();
        using var local = new TempDir();
        var content = Bytes.Random((10 * 256 * 1024) + 123, 7);
        var file = local.File("big/blob.bin", content);
        var progress = new ProgressLog();
        await env.Client.LogArtifactAsync(runId, file, "models", progress);

        Assert.Equal(1, env.Recorder.Count("POST", "/mlflow-artifacts/mpu/create/"));
        Assert.Equal(1, env.Recorder.Count("POST", "/mlflow-artifacts/mpu/complete/"));
        Assert.Equal(0, env.Recorder.Count("PUT", "/mlflow-artifacts/artifacts/")); // the parts went to the part URLs
        Assert.Equal(0, env.Server.PendingMultipartUploads);
        Assert.Equal(content.Length, progress.Last.BytesTransferred);
        using var dst = new TempDir();
        Assert.Equal(content, File.ReadAllBytes(await env.Client.DownloadArtifactsAsync(runId, "models/blob.bin", dst.Path)));

        // Small files keep the single PUT.
        await env.Client.LogTextAsync(runId, "small", "small.txt");
        Assert.Equal(1, env.Recorder.Count("PUT", "/mlflow-artifacts/artifacts/"));
    }

    [Fact]
    public async Task A_server_without_multipart_support_gets_one_put()
    {
        await using var env = await ServerAndClient.StartAsync(configure: SmallParts); // MLflow's local destination: 501
        var runId = await env.NewRunAsync();
        using var local = new TempDir();
        var content = Bytes.Random(2 * 1024 * 1024, 8);
        await env.Client.LogArtifactAsync(runId, local.File("blob.bin", content));
        Assert.Equal(1, env.Recorder.Count("POST", "/mlflow-artifacts/mpu/create/"));
        Assert.Equal(1, env.Recorder.Count("PUT", "/mlflow-artifacts/artifacts/"));
        using var dst = new TempDir();
        Assert.Equal(content, File.ReadAllBytes(await env.Client.DownloadArtifactsAsync(runId, "blob.bin", dst.Path)));
    }

    [Fact]
    public async Task A_cancelled_multipart_upload_is_aborted_on_the_server()
    {
        await using var env = await ServerAndClient.StartAsync(new MlflowTestServerOptions { MultipartUpload = true }, o =>
        {
            SmallParts(o);
            o.Artifacts.MaxConcurrency = 1;
        });
        var runId = await env.NewRunAsync();
        using var local = new TempDir();
        var file = local.File("blob.bin", Bytes.Random(40 * 256 * 1024, 9));
        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            env.Client.LogArtifactAsync(runId, file, progress: new CancelAt(cancel, 1024 * 1024), cancellationToken: cancel.Token));
        Assert.Equal(1, env.Recorder.Count("POST", "/mlflow-artifacts/mpu/abort/"));
        Assert.Equal(0, env.Recorder.Count("POST", "/mlflow-artifacts/mpu/complete/"));
        Assert.Equal(0, env.Server.PendingMultipartUploads);
        Assert.Empty(await env.Client.ListArtifactsAsync(runId));
    }

    [Fact]
    public async Task A_failed_completion_aborts_and_surfaces_the_error()
    {
        await using var env = await ServerAndClient.StartAsync(new MlflowTestServerOptions { MultipartUpload = true }, SmallParts,
            wrap: inner => new FailPosts(inner, "/mpu/complete/"));
        var runId = await env.NewRunAsync();
        using var local = new TempDir();
        var error = await Assert.ThrowsAsync<MlflowBadRequestException>(() => env.Client.LogArtifactAsync(runId, local.File("blob.bin", Bytes.Random(3 * 1024 * 1024, 10))));
        Assert.Equal("INVALID_PARAMETER_VALUE", error.RawErrorCode);
        Assert.Equal(1, env.Recorder.Count("POST", "/mlflow-artifacts/mpu/abort/"));
        Assert.Equal(0, env.Server.PendingMultipartUploads);
        Assert.Empty(await env.Client.ListArtifactsAsync(runId));
    }

    [Fact]
    public async Task Awkward_names_through_the_proxy_are_refused_up_front_or_come_back_exactly()
    {
        await using var env = await ServerAndClient.StartAsync();
        var runId = await env.NewRunAsync();
        var accepted = await AwkwardNames.RoundTripAsync(env.Client, runId, seed: 13, count: 80, expectRefusals: true);
        Assert.True(accepted >= 30, $"only {accepted} names were accepted");
    }

    [Fact]
    public async Task Awkward_names_in_a_local_artifact_root_come_back_exactly()
    {
        using var root = new TempDir();
        await using var env = await ServerAndClient.StartAsync(new MlflowTestServerOptions { ArtifactRoot = new Uri(root.Path).AbsoluteUri });
        var runId = await env.NewRunAsync();
        Assert.StartsWith("file:///", (await env.Client.GetRunAsync(runId)).Info!.ArtifactUri, StringComparison.Ordinal);
        Assert.Equal(60, await AwkwardNames.RoundTripAsync(env.Client, runId, seed: 17, count: 60, expectRefusals: false));
        // The local store returns files in place when no destination is given (as MLflow does).
        var inPlace = await env.Client.DownloadArtifactsAsync(runId, "");
        Assert.StartsWith(root.Path, inPlace, StringComparison.Ordinal);

        // A plain local path and a file: URI are artifact URIs too.
        var source = Path.Combine(root.Path, "plain file.txt");
        await File.WriteAllTextAsync(source, "local");
        using var dst = new TempDir();
        Assert.Equal(Path.Combine(dst.Path, "plain file.txt"), await env.Client.DownloadArtifactsAsync(artifactUri: source, dstPath: dst.Path));
        using var dst2 = new TempDir();
        var viaUri = await env.Client.DownloadArtifactsAsync(artifactUri: new Uri(source).AbsoluteUri, dstPath: dst2.Path);
        Assert.Equal("local", await File.ReadAllTextAsync(viaUri));
    }

    [Fact]
    public async Task The_proxy_can_keep_its_files_in_a_directory()
    {
        using var destination = new TempDir();
        await using var env = await ServerAndClient.StartAsync(new MlflowTestServerOptions { ArtifactsDestination = destination.Path, MultipartUpload = true }, SmallParts);
        var runId = await env.NewRunAsync();
        using var local = new TempDir();
        var big = Bytes.Random(3 * 1024 * 1024, 11);
        await env.Client.LogArtifactAsync(runId, local.File("big.bin", big), "d");
        await env.Client.LogTextAsync(runId, "x", "d/small.txt");
        var stored = TempDir.Snapshot(destination.Path);
        Assert.Equal(big, stored.Single(kv => kv.Key.EndsWith("/artifacts/d/big.bin", StringComparison.Ordinal)).Value);
        Assert.Equal(2, stored.Count); // no part or temporary file left
    }

    private sealed class CancelAt(CancellationTokenSource cancel, long bytes) : IProgress<ArtifactTransferProgress>
    {
        public void Report(ArtifactTransferProgress value)
        {
            if (value.BytesTransferred >= bytes) cancel.Cancel();
        }
    }

    private sealed class FailPosts(HttpMessageHandler inner, string marker) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.Contains(marker, StringComparison.Ordinal)
                ? Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.BadRequest)
                {
                    Content = new StringContent("{\"error_code\": \"INVALID_PARAMETER_VALUE\", \"message\": \"bad parts\"}", Encoding.UTF8, "application/json"),
                    RequestMessage = request,
                })
                : base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// A property test over random awkward names (spaces, '#', '?', '%', '+', quotes, Unicode, long segments): each one
/// is logged, then the whole run is listed and downloaded, and names and bytes must come back exactly; a name the
/// store would change must be refused before anything is sent.
/// </summary>
internal static class AwkwardNames
{
    private const string Alphabet = "abcXYZ019 _-.?%+&=;:'\"!@$^*()[]{},~`üé✓日本ß";
    private static readonly string[] ProxyChangesThem = ["#", "%41", "%2F", "?", ";"];

    /// <summary>A random segment; about one in six carries something MLflow's proxy would refuse or rename.</summary>
    public static string Segment(Random random, bool allowTrailingDot = true)
    {
        var length = random.Next(10) == 0 ? 60 + random.Next(40) : 1 + random.Next(24);
        var builder = new StringBuilder();
        for (var i = 0; i < length; i++) builder.Append(Alphabet[random.Next(Alphabet.Length)]);
        if (random.Next(6) == 0) builder.Append(ProxyChangesThem[random.Next(ProxyChangesThem.Length)]);
        var segment = builder.ToString();
        while (Encoding.UTF8.GetByteCount(segment) > 200) segment = segment[..^1]; // local file systems stop at 255 bytes
        if (segment is "." or ".." || (!allowTrailingDot && segment.EndsWith('.'))) segment += "x";
        return segment;
    }

    public static async Task<int> RoundTripAsync(MlflowClient mlflow, string runId, int seed, int count, bool expectRefusals, bool allowTrailingDot = true)
    {
        var random = new Random(seed);
        using var local = new TempDir();
        var expected = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var refused = 0;
        for (var i = 0; i < count; i++)
        {
            var depth = 1 + random.Next(3);
            var segments = Enumerable.Range(0, depth).Select(_ => Segment(random, allowTrailingDot)).ToArray();
            segments[^1] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + segments[^1];
            var path = string.Join('/', segments);
            var bytes = Bytes.Random(random.Next(1, 2000), seed + i);
            var file = local.File($"src/{i}/{segments[^1]}", bytes);
            var directory = depth > 1 ? string.Join('/', segments[..^1]) : null;
            try
            {
                await mlflow.LogArtifactAsync(runId, file, directory);
                expected[path] = bytes;
            }
            catch (ArgumentException ex) when (expectRefusals)
            {
                Assert.Contains("MLflow's artifact proxy", ex.Message, StringComparison.Ordinal);
                refused++;
            }
        }

        if (expectRefusals) Assert.True(refused > 0, "the generator produced no name the proxy would change");
        using var dst = new TempDir();
        var downloaded = await mlflow.DownloadArtifactsAsync(runId, "", dst.Path);
        var actual = TempDir.Snapshot(downloaded);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (path, bytes) in expected) Assert.True(bytes.AsSpan().SequenceEqual(actual[path]), path);

        // The listing shows the same names, level by level.
        var listed = new List<string>();
        async Task Walk(string? directory)
        {
            foreach (var entry in await mlflow.ListArtifactsAsync(runId, directory))
            {
                if (entry.IsDirectory) await Walk(entry.Path);
                else listed.Add(entry.Path);
            }
        }

        await Walk(null);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        return expected.Count;
    }
}
