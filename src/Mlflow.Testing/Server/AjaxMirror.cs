using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Mlflow.Testing.Generated;

namespace Mlflow.Testing.Server;

/// <summary>
/// MLflow serves its proto routes under <c>/ajax-api/</c> too (the spec marks them <c>x-mlflow-ajax-mirror</c> instead
/// of repeating them). Requests to an <c>/ajax-api/...</c> path that is not an operation of its own in the spec are
/// rewritten to the <c>/api/...</c> twin before routing.
/// </summary>
internal sealed class AjaxMirrorMiddleware(RequestDelegate next)
{
    private static readonly Lazy<Regex[]> OwnAjaxRoutes = new(() => typeof(MlflowController).GetMethods()
        .SelectMany(m => m.GetCustomAttributes<RouteAttribute>())
        .Select(r => r.Template)
        .Where(t => t.StartsWith("ajax-api/", StringComparison.Ordinal))
        .Distinct()
        .Select(t => new Regex("^/" + Regex.Replace(Regex.Escape(t), @"\\\{[^}]*}", "[^/]+") + "$", RegexOptions.CultureInvariant))
        .ToArray());

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (path is not null && path.StartsWith("/ajax-api/", StringComparison.Ordinal) && !OwnAjaxRoutes.Value.Any(r => r.IsMatch(path)))
        {
            context.Request.Path = new PathString("/api/" + path["/ajax-api/".Length..]);
        }
        return next(context);
    }
}
