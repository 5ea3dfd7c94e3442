// Shared source: compiled into Mlflow.Client (to refuse, before sending, names MLflow's proxy would change) and into
// Mlflow.Testing (whose embedded server applies the same rules as MLflow's server).
using System.Text;

namespace Mlflow.Artifacts;

/// <summary>
/// MLflow's server-side artifact path rule (<c>mlflow.utils.uri.validate_path_is_safe</c>, applied by every artifact
/// proxy route to the path the web framework decoded once): decode the path again and again, each time rebuilding it
/// as Python's <c>urlunparse(urlparse(...))</c> does, until it stops changing; escape control characters; refuse
/// <c>#</c>, <c>..</c> segments and absolute paths. The decoded path is what MLflow stores.
/// </summary>
internal static class MlflowPathRules
{
    private static readonly HashSet<string> UsesNetloc = new(StringComparer.Ordinal)
    {
        "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms", "https", "shttp", "snews", "prospero",
        "rtsp", "rtsps", "rtspu", "rsync", "svn", "svn+ssh", "sftp", "nfs", "git", "git+ssh", "ws", "wss", "itms-services",
    };

    /// <summary>The path MLflow stores for <paramref name="path"/>, or <see langword="null"/> when MLflow answers <c>Invalid path</c>.</summary>
    public static string? Validate(string path)
    {
        var decoded = Decode(path);
        if (decoded is null) return null;
        decoded = EscapeControlCharacters(decoded);
        if (decoded.Contains('#', StringComparison.Ordinal)) return null;
        var checkedPath = decoded;
        if (SchemeOf(decoded) == "file")
        {
            var rest = decoded[(decoded.IndexOf(':', StringComparison.Ordinal) + 1)..];
            if (rest.StartsWith("//", StringComparison.Ordinal))
            {
                var slash = rest.IndexOf('/', 2);
                rest = slash < 0 ? "" : rest[slash..];
            }

            checkedPath = Unquote(rest);
        }

        if (checkedPath.Split('/').Contains("..")) return null;
        if (checkedPath.StartsWith('/')) return null;
        if (IsWindowsAbsolute(checkedPath)) return null;
        return decoded;
    }

    /// <summary>MLflow's <c>_decode</c>: unquote and re-parse until stable (at most 10 times); <see langword="null"/> when it never settles.</summary>
    public static string? Decode(string url)
    {
        for (var i = 0; i < 10; i++)
        {
            var reparsed = Reparse(Unquote(url));
            if (reparsed == url) return url;
            url = reparsed;
        }

        return null;
    }

    /// <summary>Python's <c>urllib.parse.unquote</c>: <c>%XX</c> sequences as UTF-8 (invalid bytes become U+FFFD).</summary>
    public static string Unquote(string text)
    {
        if (!text.Contains('%', StringComparison.Ordinal)) return text;
        var output = new StringBuilder(text.Length);
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
                continue;
            }

            Flush();
            output.Append(text[i]);
        }

        Flush();
        return output.ToString();

        void Flush()
        {
            if (bytes.Count == 0) return;
            output.Append(Encoding.UTF8.GetString(bytes.ToArray()));
            bytes.Clear();
        }
    }

    /// <summary>Python's <c>urlunparse(urlparse(url))</c> for the parts that change a path.</summary>
    public static string Reparse(string url)
    {
        // urlsplit strips leading C0 controls and spaces, and removes tabs and newlines anywhere.
        url = url.TrimStart(Enumerable.Range(0, 0x21).Select(c => (char)c).ToArray()).Replace("\t", "", StringComparison.Ordinal)
            .Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
        var scheme = SchemeOf(url);
        var rest = scheme is null ? url : url[(url.IndexOf(':', StringComparison.Ordinal) + 1)..];
        string? netloc = null;
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var end = rest.IndexOfAny(['/', '?', '#'], 2);
            netloc = end < 0 ? rest[2..] : rest[2..end];
            rest = end < 0 ? "" : rest[end..];
        }

        var fragment = "";
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            fragment = rest[(hash + 1)..];
            rest = rest[..hash];
        }

        var query = "";
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            query = rest[(question + 1)..];
            rest = rest[..question];
        }

        var parameters = "";
        if (scheme is null || UsesParams(scheme))
        {
            var lastSlash = rest.LastIndexOf('/');
            var semicolon = rest.IndexOf(';', lastSlash + 1);
            if (semicolon >= 0)
            {
                parameters = rest[(semicolon + 1)..];
                rest = rest[..semicolon];
            }
        }

        var path = rest;
        if (parameters.Length > 0) path += ";" + parameters;
        if (!string.IsNullOrEmpty(netloc) || (scheme is not null && UsesNetloc.Contains(scheme) && !path.StartsWith("//", StringComparison.Ordinal)))
        {
            if (path.Length > 0 && path[0] != '/') path = "/" + path;
            path = "//" + (netloc ?? "") + path;
        }

        var result = (scheme is null ? "" : scheme + ":") + path;
        if (query.Length > 0) result += "?" + query;
        if (fragment.Length > 0) result += "#" + fragment;
        return result;
    }

    private static bool UsesParams(string scheme) => scheme is "ftp" or "hdl" or "prospero" or "http" or "imap" or "https" or "shttp" or "rtsp" or "rtsps" or "rtspu" or "sip" or "sips" or "mms" or "sftp" or "tel";

    private static string? SchemeOf(string url)
    {
        var colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !char.IsAsciiLetter(url[0])) return null;
        for (var i = 1; i < colon; i++)
        {
            var c = url[i];
            if (!char.IsAsciiLetterOrDigit(c) && c is not '+' and not '-' and not '.') return null;
        }

        return url[..colon].ToLowerInvariant();
    }

    private static string EscapeControlCharacters(string text)
    {
        if (!text.Any(c => c <= 31 || c == 127)) return text;
        var output = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c <= 31 || c == 127) output.Append('%').Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            else output.Append(c);
        }

        return output.ToString();
    }

    private static bool IsWindowsAbsolute(string path)
    {
        var p = path.Replace('\\', '/');
        if (p.StartsWith("//", StringComparison.Ordinal)) return true; // UNC
        return p.Length >= 3 && char.IsAsciiLetter(p[0]) && p[1] == ':' && p[2] == '/';
    }
}
