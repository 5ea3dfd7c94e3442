using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Mlflow.Artifacts;

/// <summary>
/// The tracking server's artifact proxy (<c>mlflow-artifacts:/...</c>, <c>mlflow-artifacts://host:port/...</c> and
/// <c>http(s)://.../api/2.0/mlflow-artifacts/artifacts/...</c>), through the client's HTTP pipeline (credentials,
/// retries, MLflow errors). Paths are percent-encoded one segment at a time; names MLflow's proxy would refuse or
/// rename are refused before anything is sent (<see cref="ArtifactPath.ProxyProblem"/>). Uploads stream from disk;
/// with <see cref="MlflowArtifactSettings.ProxyMultipartUpload"/>, files of at least
/// <see cref="MlflowArtifactSettings.MultipartUploadMinimumFileSize"/> go in parts to the presigned URLs the server
/// hands out (<c>mpu/create</c>, part PUTs, <c>mpu/complete</c>; <c>mpu/abort</c> on failure or cancellation), and
/// fall back to one PUT when the server's store has no multipart support.
/// </summary>
public sealed class MlflowArtifactsRepository : ArtifactRepository
{
    private const string ProxyMarker = "/api/2.0/mlflow-artifacts/artifacts";
    private const string UnsupportedMultipartMessage = "Multipart upload is not supported";
    private const int CopyBufferSize = 256 * 1024;
    private readonly string artifactsBase;
    private readonly string rootPath;

    /// <summary>Creates the repository of a proxy root URI.</summary>
    /// <param name="rootUri">The root URI.</param>
    /// <param name="context">Settings and services of the client.</param>
    /// <exception cref="ArgumentException">The URI is not a proxy URI.</exception>
    public MlflowArtifactsRepository(string rootUri, ArtifactRepositoryContext context)
        : base(rootUri, context)
    {
        var parsed = ArtifactUri.Parse(rootUri);
        string path;
        if (parsed.Kind == ArtifactUriKind.MlflowArtifacts)
        {
            var tracking = context.ClientSettings.TrackingUri;
            var rest = rootUri["mlflow-artifacts:".Length..];
            var authority = tracking.Authority;
            if (rest.StartsWith("//", StringComparison.Ordinal))
            {
                var end = rest.IndexOf('/', 2);
                authority = end < 0 ? rest[2..] : rest[2..end];
                rest = end < 0 ? "" : rest[end..];
            }

            var prefix = tracking.AbsolutePath.TrimEnd('/');
            artifactsBase = $"{tracking.Scheme}://{authority}{prefix}/api/2.0/mlflow-artifacts/";
            path = rest;
        }
        else if (parsed.Kind == ArtifactUriKind.Http)
        {
            var marker = rootUri.IndexOf(ProxyMarker, StringComparison.Ordinal);
            if (marker < 0)
            {
                throw new ArgumentException(
                    $"'{rootUri}' is not an MLflow artifact proxy URL: http(s) artifact URIs must contain '{ProxyMarker}'.", nameof(rootUri));
            }

            artifactsBase = rootUri[..marker] + "/api/2.0/mlflow-artifacts/";
            path = rootUri[(marker + ProxyMarker.Length)..];
        }
        else
        {
            throw new ArgumentException($"'{rootUri}' is not an MLflow artifact proxy URI.", nameof(rootUri));
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        rootPath = ArtifactPath.Normalize(string.Join('/', segments), nameof(rootUri), allowEmpty: true);
    }

    /// <summary>The root path on the proxy (<c>1/&lt;run_id&gt;/artifacts</c>), decoded.</summary>
    public string RootPath => rootPath;

    /// <inheritdoc />
    protected override string? CheckArtifactPath(string artifactPath) => ArtifactPath.ProxyProblem(ArtifactPath.Combine(rootPath, artifactPath));

    /// <inheritdoc />
    protected override async Task UploadFileAsync(ArtifactUpload upload, CancellationToken cancellationToken)
    {
        var settings = Context.Settings;
        if (settings.ProxyMultipartUpload && upload.Length > 0 && upload.Length >= settings.MultipartUploadMinimumFileSize)
        {
            if (await TryMultipartUploadAsync(upload, cancellationToken).ConfigureAwait(false)) return;
        }

        var url = FileUrl(upload.ArtifactPath);
        using var guard = new StallGuard(Context.ClientSettings.Timeout, cancellationToken);
        var stream = new ProgressReadStream(upload.OpenRead(), upload.Progress, guard.Touch);
        using var content = new StreamContent(stream, CopyBufferSize);
        content.Headers.ContentLength = upload.Length;
        content.Headers.ContentType = new MediaTypeHeaderValue(upload.ContentType);
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = content };
        new MlflowRequestOption { AttemptTimeout = Timeout.InfiniteTimeSpan }.ApplyTo(request);
        try
        {
            using var response = await Context.TrackingHttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, guard.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (guard.Stalled && !cancellationToken.IsCancellationRequested)
        {
            throw guard.TimeoutError("PUT", url, ex);
        }
    }

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<ArtifactInfo>> ListDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        var full = ArtifactPath.Combine(rootPath, path);
        var url = new Uri(artifactsBase + "artifacts?path=" + Uri.EscapeDataString(full));
        using var response = await Context.TrackingHttpClient.GetAsync(url, cancellationToken).ConfigureAwait(false);
        var json = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<ArtifactInfo>();
        if (json.Length == 0) return result;
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        foreach (var file in files.EnumerateArray())
        {
            var name = file.TryGetProperty("path", out var p) ? p.GetString() : null;
            if (!ArtifactPath.IsValid(name))
            {
                throw new MlflowArtifactException($"The artifact proxy listed an unsafe path '{name}' under '{full}'.");
            }

            var isDir = file.TryGetProperty("is_dir", out var d) && d.ValueKind == JsonValueKind.True;
            long? size = file.TryGetProperty("file_size", out var s) ? ReadLong(s) : null;
            result.Add(new ArtifactInfo(ArtifactPath.Combine(path, name), isDir, isDir ? null : size));
        }

        // MLflow lists a file path as the file itself; a listing of a file is empty.
        if (path.Length > 0 && result.Count == 1 && !result[0].IsDirectory
            && result[0].Path == ArtifactPath.Combine(path, ArtifactPath.GetFileName(path)))
        {
            return [];
        }

        return result;
    }

    /// <inheritdoc />
    protected override async Task DownloadFileAsync(ArtifactDownload download, CancellationToken cancellationToken)
    {
        var url = FileUrl(download.ArtifactPath);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = await Context.TrackingHttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            await CopyAsync(body, download.Destination, Context.ClientSettings.Timeout, "GET", url, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        var full = ArtifactPath.Combine(rootPath, path);
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(artifactsBase + "artifacts/" + ArtifactPath.Encode(full)));
        using var response = await Context.TrackingHttpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private Uri FileUrl(string artifactPath) => new(artifactsBase + "artifacts/" + ArtifactPath.Encode(ArtifactPath.Combine(rootPath, artifactPath)));

    // ------------------------------------------------------------------------------------------ multipart

    private async Task<bool> TryMultipartUploadAsync(ArtifactUpload upload, CancellationToken cancellationToken)
    {
        var settings = Context.Settings;
        var chunk = settings.MultipartUploadChunkSize;
        var parts = (int)((upload.Length + chunk - 1) / chunk);
        var name = ArtifactPath.GetFileName(upload.ArtifactPath);
        var route = ArtifactPath.Encode(ArtifactPath.Combine(rootPath, ArtifactPath.GetDirectory(upload.ArtifactPath)));

        JsonDocument created;
        try
        {
            created = await PostJsonAsync("mpu/create/" + route, w =>
            {
                w.WriteString("path", name);
                w.WriteNumber("num_parts", parts);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (MlflowException ex) when (ex.ServerMessage.StartsWith(UnsupportedMultipartMessage, StringComparison.Ordinal))
        {
            return false;
        }

        string uploadId;
        List<(int Number, string Url, Dictionary<string, string> Headers)> credentials;
        using (created)
        {
            var root = created.RootElement;
            uploadId = root.TryGetProperty("upload_id", out var id) ? id.GetString() ?? "" : "";
            credentials = [];
            if (root.TryGetProperty("credentials", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var credential in list.EnumerateArray())
                {
                    var number = credential.TryGetProperty("part_number", out var n) ? (int)(ReadLong(n) ?? 0) : 0;
                    var url = credential.TryGetProperty("url", out var u) ? u.GetString() : null;
                    var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    if (credential.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var header in h.EnumerateObject()) headers[header.Name] = header.Value.GetString() ?? "";
                    }

                    if (url is not null) credentials.Add((number, url, headers));
                }
            }
        }

        try
        {
            if (credentials.Count != parts || credentials.Select(c => c.Number).Order().SequenceEqual(Enumerable.Range(1, parts)) is false)
            {
                throw new MlflowArtifactException(
                    $"The tracking server's multipart upload for '{upload.ArtifactPath}' returned {credentials.Count} part URLs for {parts} parts.", failedPaths: [upload.ArtifactPath]);
            }

            var etags = new string[parts];
            var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, MaxConcurrency), CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(credentials, options, async (credential, token) =>
            {
                etags[credential.Number - 1] = await UploadPartAsync(upload, credential.Url, credential.Headers, (credential.Number - 1) * chunk, chunk, token).ConfigureAwait(false);
            }).ConfigureAwait(false);

            using var completed = await PostJsonAsync("mpu/complete/" + route, w =>
            {
                w.WriteString("path", name);
                w.WriteString("upload_id", uploadId);
                w.WriteStartArray("parts");
                foreach (var credential in credentials.OrderBy(c => c.Number))
                {
                    w.WriteStartObject();
                    w.WriteNumber("part_number", credential.Number);
                    w.WriteString("etag", etags[credential.Number - 1]);
                    w.WriteString("url", credential.Url);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception)
        {
            // Whatever went wrong (a part, completion, cancellation), the server discards the parts.
            using var abortTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                using var aborted = await PostJsonAsync("mpu/abort/" + route, w =>
                {
                    w.WriteString("path", name);
                    w.WriteString("upload_id", uploadId);
                }, abortTimeout.Token).ConfigureAwait(false);
            }
            catch (Exception abortError) when (abortError is MlflowException or OperationCanceledException or HttpRequestException)
            {
                // The original failure is what the caller needs; an unaborted upload expires on the store.
            }

            throw;
        }
    }

    private async Task<string> UploadPartAsync(ArtifactUpload upload, string url, Dictionary<string, string> headers, long offset, long size, CancellationToken cancellationToken)
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var counted = new CountingProgress(upload.Progress);
            try
            {
                using var guard = new StallGuard(Context.ClientSettings.Timeout, cancellationToken);
                var stream = new ProgressReadStream(upload.OpenRead(offset, size), counted.Progress, guard.Touch, restartOnRewind: false);
                using var content = new StreamContent(stream, CopyBufferSize);
                content.Headers.ContentLength = stream.Length;
                using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = content };
                foreach (var (key, value) in headers)
                {
                    if (!request.Headers.TryAddWithoutValidation(key, value)) content.Headers.TryAddWithoutValidation(key, value);
                }

                HttpResponseMessage response;
                try
                {
                    response = await Context.PresignedHttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, guard.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (guard.Stalled && !cancellationToken.IsCancellationRequested)
                {
                    throw guard.TimeoutError("PUT", new Uri(url), ex);
                }

                using (response)
                {
                    if (response.IsSuccessStatusCode)
                    {
                        return response.Headers.ETag?.Tag ?? (response.Headers.TryGetValues("ETag", out var raw) ? raw.First() : "");
                    }

                    var status = (int)response.StatusCode;
                    if (attempt >= attempts || status is not (408 or 429 or >= 500))
                    {
                        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                        throw new MlflowArtifactException(
                            string.Create(CultureInfo.InvariantCulture, $"Uploading the part at offset {offset} of '{upload.ArtifactPath}' failed: HTTP {status} {Truncate(text)}"),
                            failedPaths: [upload.ArtifactPath]);
                    }
                }
            }
            catch (HttpRequestException) when (attempt < attempts && !cancellationToken.IsCancellationRequested)
            {
                // Connection error: try the part again.
            }
            catch
            {
                counted.Undo();
                throw;
            }

            counted.Undo();
            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<JsonDocument> PostJsonAsync(string relative, Action<Utf8JsonWriter> body, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        using var content = new ByteArrayContent(buffer.GetBuffer(), 0, (int)buffer.Length);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Context.TrackingHttpClient.PostAsync(new Uri(artifactsBase + relative), content, cancellationToken).ConfigureAwait(false);
        var json = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return JsonDocument.Parse(json.Length == 0 ? "{}"u8.ToArray() : json);
    }

    // ------------------------------------------------------------------------------------------ helpers

    internal static async Task CopyAsync(Stream source, Stream destination, TimeSpan stallTimeout, string method, Uri url, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        using var guard = new StallGuard(stallTimeout, cancellationToken);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await source.ReadAsync(buffer.AsMemory(0, CopyBufferSize), guard.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (guard.Stalled && !cancellationToken.IsCancellationRequested)
                {
                    throw guard.TimeoutError(method, url, ex);
                }

                if (read == 0) break;
                guard.Touch();
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static long? ReadLong(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number when element.TryGetInt64(out var n) => n,
        JsonValueKind.String when long.TryParse(element.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) => s,
        _ => null,
    };

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500] + "...";

    /// <summary>Counts one part's bytes so that a failed attempt can be taken back from the file's progress.</summary>
    private sealed class CountingProgress
    {
        private readonly ArtifactFileProgress file;
        private long bytes;

        public CountingProgress(ArtifactFileProgress file)
        {
            this.file = file;
            Progress = new ArtifactFileProgress(null, file.ArtifactPath, null) { OnAdd = Count };
        }

        public ArtifactFileProgress Progress { get; }

        public long Bytes => Interlocked.Read(ref bytes);

        public void Undo() => file.Add(-Interlocked.Exchange(ref bytes, 0));

        private void Count(long delta)
        {
            Interlocked.Add(ref bytes, delta);
            file.Add(delta);
        }
    }
}

/// <summary>
/// Cancels a transfer that makes no progress for a whole timeout (MLflow's per-request timeout, applied to silence
/// rather than to the length of a large transfer).
/// </summary>
internal sealed class StallGuard : IDisposable
{
    private readonly CancellationTokenSource source;
    private readonly Timer? timer;
    private readonly TimeSpan timeout;
    private long lastActivity = Environment.TickCount64;

    public StallGuard(TimeSpan timeout, CancellationToken cancellationToken)
    {
        this.timeout = timeout;
        source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan && timeout > TimeSpan.Zero)
        {
            var period = TimeSpan.FromMilliseconds(Math.Clamp(timeout.TotalMilliseconds / 4, 50, 5000));
            timer = new Timer(_ => Check(), null, period, period);
        }
    }

    public CancellationToken Token => source.Token;

    public bool Stalled { get; private set; }

    public void Touch() => Volatile.Write(ref lastActivity, Environment.TickCount64);

    public MlflowTimeoutException TimeoutError(string method, Uri url, Exception inner) => new(
        string.Create(CultureInfo.InvariantCulture, $"The artifact transfer made no progress for {timeout.TotalSeconds:0.###} s: {method} {MlflowErrorParser.RedactUserInfo(url)}."),
        method, MlflowErrorParser.RedactUserInfo(url), inner);

    public void Dispose()
    {
        timer?.Dispose();
        source.Dispose();
    }

    private void Check()
    {
        if (Environment.TickCount64 - Volatile.Read(ref lastActivity) < timeout.TotalMilliseconds) return;
        Stalled = true;
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
