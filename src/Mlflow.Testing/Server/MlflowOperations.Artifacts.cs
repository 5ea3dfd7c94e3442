using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Mlflow.Testing.Store;
using G = Mlflow.Testing.Generated;

namespace Mlflow.Testing.Server;

/// <summary>
/// The artifact proxy (<c>/api/2.0/mlflow-artifacts/artifacts/...</c>: upload, download, list, delete) over the
/// server's <see cref="IArtifactStorage"/> (memory, or files under the data directory), plus the run-level artifact
/// list and the download routes of runs and model versions. Paths are relative to the <c>mlflow-artifacts:/</c> root
/// (<c>&lt;experiment&gt;/&lt;run&gt;/artifacts/...</c>).
/// </summary>
internal sealed partial class MlflowOperations
{
    private const string ArtifactScheme = "mlflow-artifacts:/";
    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".txt", ".json", ".yaml", ".yml", ".md", ".csv", ".tsv", ".py", ".log", ".html", ".xml", ".ini", ".cfg", ".toml",
    };

    public override async Task<ActionResult<G.UploadArtifactResponse>> UploadArtifactAsync(IFormFile body, string artifact_path)
    {
        var path = NormalizeArtifactPath(artifact_path);
        var request = http.HttpContext!.Request;
        await artifacts.WriteAsync(path, request.Body, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return new G.UploadArtifactResponse();
    }

    public override Task<IActionResult> DownloadArtifactAsync(string artifact_path) => Raw(Download(NormalizeArtifactPath(artifact_path)));

    public override Task<ActionResult<G.DeleteArtifactResponse>> DeleteArtifactAsync(G.DeleteArtifact? body, string artifact_path)
    {
        artifacts.Delete(NormalizeArtifactPath(artifact_path));
        return Task.FromResult(new ActionResult<G.DeleteArtifactResponse>(new G.DeleteArtifactResponse()));
    }

    public override Task<ActionResult<G.ListArtifactsProxyResponse>> ListArtifactsProxyAsync(string? path)
    {
        var directory = string.IsNullOrEmpty(path) ? "" : NormalizeArtifactPath(path);
        return Task.FromResult(new ActionResult<G.ListArtifactsProxyResponse>(new G.ListArtifactsProxyResponse
        {
            Files = artifacts.List(directory).Select(c => new G.ArtifactFileInfo { Path = c.Name, Is_dir = c.IsDirectory, File_size = c.Size }).ToList(),
        }));
    }

    public override Task<ActionResult<G.ListArtifactsResponse>> ListArtifactsAsync(string? run_id, string? run_uuid, string? path, string? page_token)
    {
        var run = ReadNow(() => FindRun(run_id ?? run_uuid));
        var relative = string.IsNullOrEmpty(path) ? "" : NormalizeArtifactPath(path);
        return Task.FromResult(new ActionResult<G.ListArtifactsResponse>(new G.ListArtifactsResponse
        {
            Root_uri = run.ArtifactUri,
            Files = ListUnder(run.ArtifactUri, relative).Select(f => new G.ArtifactInfo { Path = f.Path, Is_dir = f.IsDir, File_size = f.Size }).ToList(),
        }));
    }

    public override Task<IActionResult> GetArtifactAsync(string path, string? run_id, string? run_uuid)
    {
        var root = ArtifactRoot(ReadNow(() => FindRun(run_id ?? run_uuid)).ArtifactUri);
        return Raw(Download(root + "/" + NormalizeArtifactPath(path)));
    }

    public override Task<IActionResult> GetModelVersionArtifactAsync(string name, string version, string path)
    {
        var root = ArtifactRoot(ReadNow(() => FindVersion(name, version).Version.Source));
        return Raw(Download(root + "/" + NormalizeArtifactPath(path)));
    }

    /// <summary>The children of <paramref name="relative"/> under an artifact root URI, with paths relative to the root.</summary>
    private IEnumerable<(string Path, bool IsDir, long? Size)> ListUnder(string rootUri, string relative)
    {
        var root = ArtifactRoot(rootUri);
        var directory = relative.Length == 0 ? root : root + "/" + relative;
        return artifacts.List(directory).Select(c => (relative.Length == 0 ? c.Name : relative + "/" + c.Name, c.IsDirectory, c.Size));
    }

    private FileStreamResult Download(string path)
    {
        var content = artifacts.OpenRead(path) ?? throw MlflowError.NotFound($"No such artifact: '{path}'");
        var name = path[(path.LastIndexOf('/') + 1)..];
        var extension = Path.GetExtension(name);
        var contentType = TextExtensions.Contains(extension) ? "text/plain" : "application/octet-stream";
        http.HttpContext!.Response.Headers.ContentDisposition = $"attachment; filename={name}";
        return new FileStreamResult(content, contentType);
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
