using Microsoft.AspNetCore.Http;

namespace Mlflow.Testing.Server;

/// <summary>
/// MLflow's server security middleware, for loopback use: a request whose <c>Host</c> is not a loopback name is
/// refused (403 text/plain, against DNS rebinding), and so is a state-changing request from a foreign
/// <c>Origin</c> (cross-origin POST, PUT, PATCH, DELETE).
/// </summary>
internal sealed class SecurityMiddleware(RequestDelegate next)
{
    private static readonly HashSet<string> LoopbackHosts = new(StringComparer.OrdinalIgnoreCase) { "localhost", "127.0.0.1", "[::1]", "::1" };

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!LoopbackHosts.Contains(request.Host.Host))
        {
            await RefuseAsync(context, "Invalid Host header - possible DNS rebinding attack detected").ConfigureAwait(false);
            return;
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
            && !(Uri.TryCreate(origin, UriKind.Absolute, out var originUri) && LoopbackHosts.Contains(originUri.Host)))
        {
            await RefuseAsync(context, "Cross-origin request blocked").ConfigureAwait(false);
            return;
        }
        await next(context).ConfigureAwait(false);
    }

    private static Task RefuseAsync(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(message, context.RequestAborted);
    }
}
