using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Azure.Storage.Blobs;
using Mlflow.Artifacts;
using Mlflow.Artifacts.Azure;
using Mlflow.Artifacts.S3;
using Mlflow.Testing;

namespace Mlflow.Artifacts.Tests;

/// <summary>Runs whose artifact root is <c>s3://</c>: the SDK writes to moto's S3 through AWSSDK.S3, not through the server.</summary>
[Collection(MotoCollection.Name)]
public sealed class S3StoreTests(MotoServer moto)
{
    private Dictionary<string, string?> Environment() => new()
    {
        ["MLFLOW_S3_ENDPOINT_URL"] = moto.Endpoint,
        ["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretKey,
        ["AWS_DEFAULT_REGION"] = "us-east-1",
    };

    private AmazonS3Client Raw() => new(new BasicAWSCredentials(MotoServer.AccessKey, MotoServer.SecretKey), new AmazonS3Config { ServiceURL = moto.Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    private async Task<(ServerAndClient Env, string Bucket)> StartAsync(Action<MlflowClientOptions>? configure = null)
    {
        Skip.If(moto.Unavailable is not null, moto.Unavailable);
        var bucket = "mlflow-" + Guid.NewGuid().ToString("N")[..12];
        using (var raw = Raw()) await raw.PutBucketAsync(bucket);
        var env = await ServerAndClient.StartAsync(new MlflowTestServerOptions { ArtifactRoot = $"s3://{bucket}/mlruns" }, configure, Environment());
        return (env, bucket);
    }

    [SkippableFact]
    public async Task Files_folders_text_and_large_files_go_to_s3_directly()
    {
        var (env, bucket) = await StartAsync();
        await using var _ = env;
        var runId = await env.NewRunAsync();
        var artifactUri = (await env.Client.GetRunAsync(runId)).Info!.ArtifactUri!;
        Assert.StartsWith($"s3://{bucket}/mlruns/", artifactUri, StringComparison.Ordinal);

        using var local = new TempDir();
        local.File("model/MLmodel", "flavors: {}\n");
        var large = Bytes.Random(20 * 1024 * 1024 + 17, 21); // above TransferUtility's multipart threshold
        local.File("model/weights.bin", large);
        var progress = new ProgressLog();
        await env.Client.LogArtifactsAsync(runId, local.Path, progress: progress);
        await env.Client.LogTextAsync(runId, "hello", "notes/a b#1.txt");
        Assert.Equal(large.Length + 12, progress.Last.TotalBytes);
        Assert.Equal(large.Length + 12, progress.Reports.Max(r => r.BytesTransferred));
        Assert.Equal(0, env.Recorder.Count("PUT", "/mlflow-artifacts/"));

        using (var raw = Raw())
        {
            var prefix = artifactUri[$"s3://{bucket}/".Length..];
            var keys = (await raw.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix })).S3Objects!.Select(o => o.Key[(prefix.Length + 1)..]).Order(StringComparer.Ordinal);
            Assert.Equal(["model/MLmodel", "model/weights.bin", "notes/a b#1.txt"], keys);
        }

        Assert.Equal([("model", true), ("notes", true)], (await env.Client.ListArtifactsAsync(runId)).Select(f => (f.Path, f.IsDirectory)));
        Assert.Equal(large.Length, (await env.Client.ListArtifactsAsync(runId, "model")).Single(f => f.Path == "model/weights.bin").FileSize);
        using var dst = new TempDir();
        var model = await env.Client.DownloadArtifactsAsync(runId, "model", dst.Path);
        Assert.Equal(TempDir.Snapshot(Path.Combine(local.Path, "model")), TempDir.Snapshot(model));
        var direct = await env.Client.DownloadArtifactsAsync(artifactUri: artifactUri + "/notes/a b#1.txt", dstPath: dst.Path);
        Assert.Equal("hello", File.ReadAllText(direct));
    }

    [SkippableFact]
    public async Task Awkward_names_come_back_exactly()
    {
        var (env, _) = await StartAsync();
        await using var __ = env;
        var runId = await env.NewRunAsync();
        Assert.Equal(60, await AwkwardNames.RoundTripAsync(env.Client, runId, seed: 23, count: 60, expectRefusals: false));
    }

    [SkippableFact]
    public async Task A_cancelled_upload_leaves_no_object_and_no_open_multipart_upload()
    {
        var (env, bucket) = await StartAsync();
        await using var _ = env;
        var runId = await env.NewRunAsync();
        using var local = new TempDir();
        var file = local.File("big.bin", Bytes.Random(64 * 1024 * 1024, 22));
        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => env.Client.LogArtifactAsync(runId, file, progress: new CancelAt(cancel, 8 * 1024 * 1024), cancellationToken: cancel.Token));
        Assert.Empty(await env.Client.ListArtifactsAsync(runId));
        using var raw = Raw();
        var open = await raw.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        Assert.Empty(open.MultipartUploads ?? []);
    }

    [SkippableFact]
    public async Task The_store_registers_through_options_and_reads_the_endpoint_from_them()
    {
        Skip.If(moto.Unavailable is not null, moto.Unavailable);
        var bucket = "mlflow-" + Guid.NewGuid().ToString("N")[..12];
        using (var raw = Raw()) await raw.PutBucketAsync(bucket);
        await using var env = await ServerAndClient.StartAsync(new MlflowTestServerOptions { ArtifactRoot = $"s3://{bucket}" }, o =>
            o.Artifacts.Repositories.Add(new S3ArtifactRepositoryProvider(new S3ArtifactOptions
            {
                EndpointUrl = moto.Endpoint,
                Credentials = new BasicAWSCredentials(MotoServer.AccessKey, MotoServer.SecretKey),
            })));
        var runId = await env.NewRunAsync();
        await env.Client.LogTextAsync(runId, "x", "x.txt");
        Assert.Equal(["x.txt"], (await env.Client.ListArtifactsAsync(runId)).Select(f => f.Path));
    }

    private sealed class CancelAt(CancellationTokenSource cancel, long bytes) : IProgress<ArtifactTransferProgress>
    {
        public void Report(ArtifactTransferProgress value)
        {
            if (value.BytesTransferred >= bytes) cancel.Cancel();
        }
    }
}

/// <summary>Runs whose artifact root is <c>wasbs://</c>: the SDK writes to Azurite through Azure.Storage.Blobs.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureStoreTests(AzuriteServer azurite)
{
    private async Task<(ServerAndClient Env, string Container)> StartAsync(string scheme = "wasbs", string host = "blob")
    {
        Skip.If(azurite.Unavailable is not null, azurite.Unavailable);
        var container = "mlflow-" + Guid.NewGuid().ToString("N")[..12];
        await new BlobServiceClient(azurite.ConnectionString).CreateBlobContainerAsync(container);
        var env = await ServerAndClient.StartAsync(
            new MlflowTestServerOptions { ArtifactRoot = $"{scheme}://{container}@{AzuriteServer.Account}.{host}.core.windows.net/mlruns" },
            environment: new Dictionary<string, string?> { ["AZURE_STORAGE_CONNECTION_STRING"] = azurite.ConnectionString });
        return (env, container);
    }

    [SkippableFact]
    public async Task Files_folders_and_large_files_go_to_blob_storage_in_blocks()
    {
        var (env, container) = await StartAsync();
        await using var _ = env;
        var runId = await env.NewRunAsync();
        using var local = new TempDir();
        local.File("model/MLmodel", "flavors: {}\n");
        var large = Bytes.Random(24 * 1024 * 1024 + 5, 31); // several 10 MB blocks
        local.File("model/weights.bin", large);
        var progress = new ProgressLog();
        await env.Client.LogArtifactsAsync(runId, local.Path, progress: progress);
        Assert.Equal(large.Length + 12, progress.Reports.Max(r => r.BytesTransferred));
        Assert.Equal(0, env.Recorder.Count("PUT", "/mlflow-artifacts/"));

        var blobs = new List<string>();
        await foreach (var blob in new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(container).GetBlobsAsync()) blobs.Add(blob.Name);
        Assert.Equal(2, blobs.Count);
        Assert.All(blobs, b => Assert.StartsWith("mlruns/", b, StringComparison.Ordinal));

        using var dst = new TempDir();
        var model = await env.Client.DownloadArtifactsAsync(runId, "model", dst.Path);
        Assert.Equal(TempDir.Snapshot(Path.Combine(local.Path, "model")), TempDir.Snapshot(model));
    }

    [SkippableFact]
    public async Task Awkward_names_come_back_exactly()
    {
        var (env, _) = await StartAsync();
        await using var __ = env;
        var runId = await env.NewRunAsync();
        Assert.Equal(60, await AwkwardNames.RoundTripAsync(env.Client, runId, seed: 29, count: 60, expectRefusals: false, allowTrailingDot: false));
    }

    [SkippableFact]
    public async Task Abfss_uris_use_the_blob_endpoint()
    {
        var (env, _) = await StartAsync("abfss", "dfs");
        await using var _e = env;
        var runId = await env.NewRunAsync();
        await env.Client.LogTextAsync(runId, "x", "dir/x.txt");
        Assert.Equal(["dir/x.txt"], (await env.Client.ListArtifactsAsync(runId, "dir")).Select(f => f.Path));
        Assert.Equal("wasbs", AzureBlobArtifactRepository.ParseUri("wasbs://c@acct.blob.core.windows.net/p/q").Scheme);
        Assert.Equal(("c", "acct", "acct.blob.core.windows.net", "p/q"), AzureBlobArtifactRepository.ParseUri("abfss://c@acct.dfs.core.windows.net/p/q/") is var l ? (l.Container, l.Account, l.BlobHost, l.Path) : default);
    }
}
