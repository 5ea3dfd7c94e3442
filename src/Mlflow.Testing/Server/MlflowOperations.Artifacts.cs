using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using G = Mlflow.Testing.Generated;

namespace Mlflow.Testing.Server;

/// <summary>
/// The artifact proxy (<c>/api/2.0/mlflow-artifacts/artifacts/...</c>: upload, download, list, delete) over an
/// in-memory file tree, plus the run-level artifact list and the download routes of runs and model versions.
/// Paths are relative to the <c>mlflow-artifacts:/</c> root (<c>&lt;experiment&gt;/&lt;run&gt;/artifacts/...</c>).
/// </summary>
internal sealed partial class MlflowOperations
{
    private const string ArtifactScheme = "mlflow-artifacts:/";
    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".txt", ".json", ".yaml", ".yml", ".md", ".csv", ".tsv", ".py", ".log", ".html", ".xml", ".ini", ".cfg", ".toml",
    };

    private readonly SortedDictionary<string, byte[]> artifacts = new(StringComparer.Ordinal);

    public async Task<G.UploadArtifactResponse> UploadArtifactAsync(IFormFile body, string artifact_path)
    {
        var path = NormalizeArtifactPath(artifact_path);
        var request = http.HttpContext!.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
        lock (gate) artifacts[path] = buffer.ToArray();
        return new G.UploadArtifactResponse();
    }

    public IActionResult DownloadArtifactAsync(string artifact_path) => Download(NormalizeArtifactPath(artifact_path));

    public G.DeleteArtifactResponse DeleteArtifactAsync(G.DeleteArtifact? body, string artifact_path)
    {
        var path = NormalizeArtifactPath(artifact_path);
        lock (gate)
        {
            artifacts.Remove(path);
            foreach (var key in artifacts.Keys.Where(k => k.StartsWith(path + "/", StringComparison.Ordinal)).ToList()) artifacts.Remove(key);
        }
        return new G.DeleteArtifactResponse();
    }

    public G.ListArtifactsProxyResponse ListArtifactsProxyAsync(string? path)
    {
        var directory = string.IsNullOrEmpty(path) ? "" : NormalizeArtifactPath(path);
        lock (gate)
        {
            return new G.ListArtifactsProxyResponse
            {
                Files = ListChildren(directory).Select(c => new G.ArtifactFileInfo { Path = c.Name, Is_dir = c.IsDir, File_size = c.Size }).ToList(),
            };
        }
    }

    public G.ListArtifactsResponse ListArtifactsAsync(string? run_id, string? run_uuid, string? path, string? page_token)
    {
        lock (gate)
        {
            var run = FindRun(run_id ?? run_uuid);
            var root = ArtifactRoot(run.ArtifactUri);
            var relative = string.IsNullOrEmpty(path) ? "" : NormalizeArtifactPath(path);
            var directory = relative.Length == 0 ? root : root + "/" + relative;
            return new G.ListArtifactsResponse
            {
                Root_uri = run.ArtifactUri,
                Files = ListChildren(directory)
                    .Select(c => new G.ArtifactInfo { Path = relative.Length == 0 ? c.Name : relative + "/" + c.Name, Is_dir = c.IsDir, File_size = c.Size })
                    .ToList(),
            };
        }
    }

    public IActionResult GetArtifactAsync(string path, string? run_id, string? run_uuid)
    {
        string root;
        lock (gate) root = ArtifactRoot(FindRun(run_id ?? run_uuid).ArtifactUri);
        return Download(root + "/" + NormalizeArtifactPath(path));
    }

    public IActionResult GetModelVersionArtifactAsync(string name, string version, string path)
    {
        string root;
        lock (gate) root = ArtifactRoot(FindVersion(name, version).Version.Source);
        return Download(root + "/" + NormalizeArtifactPath(path));
    }

    private IActionResult Download(string path)
    {
        byte[]? content;
        lock (gate) content = artifacts.GetValueOrDefault(path);
        if (content is null) throw MlflowError.NotFound($"No such artifact: '{path}'");
        var name = path[(path.LastIndexOf('/') + 1)..];
        var extension = Path.GetExtension(name);
        var contentType = TextExtensions.Contains(extension) ? "text/plain" : "application/octet-stream";
        http.HttpContext!.Response.Headers.ContentDisposition = $"attachment; filename={name}";
        return new FileContentResult(content, contentType);
    }

    private IEnumerable<(string Name, bool IsDir, long? Size)> ListChildren(string directory)
    {
        var prefix = directory.Length == 0 ? "" : directory + "/";
        var children = new SortedDictionary<string, (bool IsDir, long? Size)>(StringComparer.Ordinal);
        foreach (var (key, value) in artifacts)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rest = key[prefix.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0) children[rest] = (false, value.LongLength);
            else children[rest[..slash]] = (true, null);
        }
        return children.Select(c => (c.Key, c.Value.IsDir, c.Value.Size));
    }

    /// <summary><c>mlflow-artifacts:/1/abc/artifacts</c> to <c>1/abc/artifacts</c> (other URIs: used as they are).</summary>
    private static string ArtifactRoot(string uri)
    {
        var root = uri.StartsWith(ArtifactScheme, StringComparison.Ordinal) ? uri[ArtifactScheme.Length..] : uri;
        return root.Trim('/');
    }

    /// <summary>Decodes and checks a relative artifact path: no <c>..</c> or <c>.</c> segments, no absolute paths.</summary>
    private static string NormalizeArtifactPath(string path)
    {
        var decoded = Uri.UnescapeDataString(path).Replace('\\', '/');
        var segments = decoded.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (decoded.StartsWith('/') || segments.Any(s => s is ".." or ".") || segments.Length == 0)
            throw MlflowError.InvalidParameter("Invalid path");
        return string.Join('/', segments);
    }
}
