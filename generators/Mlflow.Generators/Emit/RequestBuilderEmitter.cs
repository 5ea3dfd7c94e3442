using System.Linq;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Emit
{
    /// <summary>Writes a Kiota request builder (one per path segment); the root client uses <see cref="RootClientEmitter"/>.</summary>
    internal static class RequestBuilderEmitter
    {
        public static string HintName(BuilderPlan b) => b.Namespace + "." + b.ClassName + ".g.cs";

        public static string Emit(BuilderPlan b)
        {
            var w = new CodeWriter().Header();
            w.Open("namespace " + b.Namespace);
            w.Summary(null, "Builds and executes requests for " + b.PathDisplay + ".");
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
            w.Open("public partial class " + b.ClassName + " : " + TypeCode.Abstractions + ".BaseRequestBuilder");
            WriteMembers(w, b);
            if (b.Children.Count > 0)
            {
                w.Line();
            }

            w.Line("/// <summary>Instantiates a new <see cref=\"" + b.ClassName + "\"/>.</summary>");
            w.Line("/// <param name=\"pathParameters\">Path parameters for the request.</param>");
            w.Line("/// <param name=\"requestAdapter\">The request adapter to use to execute the requests.</param>");
            w.Line("public " + b.ClassName + "(" + TypeCode.Generic + ".Dictionary<string, object> pathParameters, " + TypeCode.Abstractions + ".IRequestAdapter requestAdapter) : base(requestAdapter, " + Identifiers.Literal(b.UrlTemplate) + ", pathParameters) { }");
            w.Line();
            w.Line("/// <summary>Instantiates a new <see cref=\"" + b.ClassName + "\"/>.</summary>");
            w.Line("/// <param name=\"rawUrl\">The raw URL to use for the request builder.</param>");
            w.Line("/// <param name=\"requestAdapter\">The request adapter to use to execute the requests.</param>");
            w.Line("public " + b.ClassName + "(string rawUrl, " + TypeCode.Abstractions + ".IRequestAdapter requestAdapter) : base(requestAdapter, " + Identifiers.Literal(b.UrlTemplate) + ", rawUrl) { }");
            WriteOperations(w, b);
            w.Close();
            w.Close();
            return w.ToString();
        }

        /// <summary>Navigation members (properties, indexers, With… methods).</summary>
        public static void WriteMembers(CodeWriter w, BuilderPlan b)
        {
            var first = true;
            foreach (var c in b.Children)
            {
                if (!first)
                {
                    w.Line();
                }

                first = false;
                var target = TypeCode.Builder(c.Target);
                switch (c.Kind)
                {
                    case NavigationKind.Property:
                        w.Summary(c.Description, c.Description);
                        // Built once per parent (builders are immutable once built: path parameters and adapter), so that
                        // client.Api.V20.Mlflow.Runs.LogMetric does not copy the path parameters at every step of every call.
                        w.Line("public " + target + " " + c.MemberName + " { get => Mlflow_" + c.MemberName + " ??= new " + target + "(PathParameters, RequestAdapter); }");
                        w.Line();
                        w.Line("private " + target + "? Mlflow_" + c.MemberName + ";");
                        break;
                    case NavigationKind.Indexer:
                        w.Summary(c.Description, c.Description);
                        w.Line("/// <param name=\"position\">The path parameter value (escaped by the URI template).</param>");
                        w.Line("/// <returns>A <see cref=\"" + target + "\"/>.</returns>");
                        w.Open("public " + target + " this[string position]");
                        w.Open("get");
                        w.Line("var urlTplParams = new " + TypeCode.Generic + ".Dictionary<string, object>(PathParameters);");
                        w.Line("urlTplParams.Add(" + Identifiers.Literal(c.TemplateVariable!) + ", position);");
                        w.Line("return new " + target + "(urlTplParams, RequestAdapter);");
                        w.Close();
                        w.Close();
                        break;
                    default:
                        w.Summary(c.Description, c.Description);
                        w.Line("/// <param name=\"" + c.ParameterName!.TrimStart('@') + "\">The path parameter value.</param>");
                        w.Line("/// <returns>A <see cref=\"" + target + "\"/>.</returns>");
                        w.Open("public " + target + " " + c.MemberName + "(string " + c.ParameterName + ")");
                        w.Line("if (string.IsNullOrEmpty(" + c.ParameterName + ")) throw new global::System.ArgumentNullException(nameof(" + c.ParameterName + "));");
                        w.Line("var urlTplParams = new " + TypeCode.Generic + ".Dictionary<string, object>(PathParameters);");
                        w.Line("urlTplParams.Add(" + Identifiers.Literal(c.TemplateVariable!) + ", " + c.ParameterName + ");");
                        w.Line("return new " + target + "(urlTplParams, RequestAdapter);");
                        w.Close();
                        break;
                }
            }
        }

        public static string QueryClass(BuilderPlan b, OperationPlan op) => b.ClassName + op.MethodName + "QueryParameters";

        private static string ConfigType(BuilderPlan b, OperationPlan op)
        {
            var query = op.Query.Count > 0 ? QueryClass(b, op) : TypeCode.Abstractions + ".DefaultQueryParameters";
            return "global::System.Action<" + TypeCode.Abstractions + ".RequestConfiguration<" + query + ">>";
        }

        public static string BodyType(BodyPlan body) =>
            body.Kind == BodyKind.Stream ? "global::System.IO.Stream" : body.Type.Kind == UseKind.Array ? TypeCode.Generic + ".List<" + TypeCode.CsType(body.Type.Item!) + ">" : TypeCode.CsType(body.Type);

        public static string ResultType(ResponsePlan r)
        {
            switch (r.Kind)
            {
                case ResponseKind.Model: return TypeCode.CsType(r.Type!) + "?";
                case ResponseKind.Collection: return TypeCode.Generic + ".List<" + TypeCode.CsType(r.Type!.Item!) + ">?";
                case ResponseKind.Untyped: return TypeCode.Untyped + "?";
                case ResponseKind.Stream: return "global::System.IO.Stream?";
                default: return "";
            }
        }

        private static void WriteOperations(CodeWriter w, BuilderPlan b)
        {
            foreach (var op in b.Operations)
            {
                var config = ConfigType(b, op);
                var bodyParam = op.Body == null ? "" : BodyType(op.Body) + " body, ";
                var bodyArg = op.Body == null ? "" : "body, ";
                var result = ResultType(op.Response);
                var task = result.Length == 0 ? "global::System.Threading.Tasks.Task" : "global::System.Threading.Tasks.Task<" + result + ">";
                var summary = op.Summary ?? op.Description ?? (op.HttpMethod + " " + op.PathTemplate);

                // …Async
                w.Line();
                w.Summary(summary + "\n(operation " + op.OperationId + ": " + op.HttpMethod + " " + op.PathTemplate + ")", "");
                if (op.Body != null)
                {
                    w.Line("/// <param name=\"body\">The request body.</param>");
                }

                w.Line("/// <param name=\"requestConfiguration\">Configuration for the request such as headers, query parameters, and middleware options.</param>");
                w.Line("/// <param name=\"cancellationToken\">Cancellation token to use when cancelling requests.</param>");
                if (result.Length > 0)
                {
                    w.Line("/// <returns>The response body.</returns>");
                }

                foreach (var e in op.Errors)
                {
                    w.Line("/// <exception cref=\"" + TypeCode.Schema(e.ModelSchema) + "\">When receiving a " + e.StatusKey + " status code.</exception>");
                }

                if (op.Deprecated)
                {
                    w.Line("[global::System.Obsolete(\"Deprecated in the MLflow API.\")]");
                }

                w.Open("public async " + task + " " + op.MethodName + "Async(" + bodyParam + config + "? requestConfiguration = default, global::System.Threading.CancellationToken cancellationToken = default)");
                if (op.Body != null)
                {
                    w.Line("_ = body ?? throw new global::System.ArgumentNullException(nameof(body));");
                }

                w.Line("var requestInfo = To" + op.MethodName + "RequestInformation(" + bodyArg + "requestConfiguration);");
                w.Open("var errorMapping = " + TypeCode.ClientType("MlflowErrorMapping") + ".For(" + Identifiers.Literal(op.OperationId) + ", new " + TypeCode.Generic + ".Dictionary<string, " + TypeCode.Serialization + ".ParsableFactory<" + TypeCode.Serialization + ".IParsable>>");
                foreach (var e in op.Errors)
                {
                    w.Line("{ " + Identifiers.Literal(e.StatusKey) + ", " + TypeCode.Schema(e.ModelSchema) + ".CreateFromDiscriminatorValue },");
                }

                w.Close(");");
                switch (op.Response.Kind)
                {
                    case ResponseKind.Model:
                        var model = TypeCode.CsType(op.Response.Type!);
                        w.Line("return await RequestAdapter.SendAsync<" + model + ">(requestInfo, " + model + ".CreateFromDiscriminatorValue, errorMapping, cancellationToken).ConfigureAwait(false);");
                        break;
                    case ResponseKind.Collection:
                        var item = TypeCode.CsType(op.Response.Type!.Item!);
                        w.Line("var collectionResult = await RequestAdapter.SendCollectionAsync<" + item + ">(requestInfo, " + item + ".CreateFromDiscriminatorValue, errorMapping, cancellationToken).ConfigureAwait(false);");
                        w.Line("return collectionResult == null ? null : new " + TypeCode.Generic + ".List<" + item + ">(collectionResult);");
                        break;
                    case ResponseKind.Untyped:
                        // Through WireValue rather than SendAsync<UntypedNode>: Kiota's untyped reader reads numbers
                        // beyond decimal range as float (1.7976931348623157e308 becomes +Infinity).
                        w.Line("var untypedResult = await RequestAdapter.SendAsync<" + TypeCode.Runtime("WireValue") + ">(requestInfo, " + TypeCode.Runtime("WireValue") + ".CreateFromDiscriminatorValue, errorMapping, cancellationToken).ConfigureAwait(false);");
                        w.Line("return untypedResult?.Value;");
                        break;
                    case ResponseKind.Stream:
                        w.Line("return await RequestAdapter.SendPrimitiveAsync<global::System.IO.Stream>(requestInfo, errorMapping, cancellationToken).ConfigureAwait(false);");
                        break;
                    default:
                        w.Line("await RequestAdapter.SendNoContentAsync(requestInfo, errorMapping, cancellationToken).ConfigureAwait(false);");
                        break;
                }

                w.Close();

                // To…RequestInformation
                w.Line();
                w.Summary("Builds the request of " + op.OperationId + " (" + op.HttpMethod + " " + op.PathTemplate + ") without sending it.", "");
                if (op.Body != null)
                {
                    w.Line("/// <param name=\"body\">The request body.</param>");
                }

                w.Line("/// <param name=\"requestConfiguration\">Configuration for the request such as headers, query parameters, and middleware options.</param>");
                w.Line("/// <returns>A <see cref=\"" + TypeCode.Abstractions + ".RequestInformation\"/>.</returns>");
                if (op.Deprecated)
                {
                    w.Line("[global::System.Obsolete(\"Deprecated in the MLflow API.\")]");
                }

                w.Open("public " + TypeCode.Abstractions + ".RequestInformation To" + op.MethodName + "RequestInformation(" + bodyParam + config + "? requestConfiguration = default)");
                if (op.Body != null)
                {
                    w.Line("_ = body ?? throw new global::System.ArgumentNullException(nameof(body));");
                }

                w.Line("var requestInfo = new " + TypeCode.Abstractions + ".RequestInformation(" + TypeCode.Abstractions + ".Method." + op.HttpMethod + ", UrlTemplate, PathParameters);");
                w.Line("requestInfo.Configure(requestConfiguration);");
                if (!string.IsNullOrEmpty(op.Response.Accept))
                {
                    w.Line("requestInfo.Headers.TryAdd(\"Accept\", " + Identifiers.Literal(op.Response.Accept!) + ");");
                }

                if (op.Body != null)
                {
                    if (op.Body.Kind == BodyKind.Stream)
                    {
                        w.Line("requestInfo.SetStreamContent(body, " + Identifiers.Literal(op.Body.ContentType) + ");");
                    }
                    else if (op.Body.Type.Kind == UseKind.Array)
                    {
                        w.Line("requestInfo.SetContentFromParsable(RequestAdapter, " + Identifiers.Literal(op.Body.ContentType) + ", (global::System.Collections.Generic.IEnumerable<" + TypeCode.CsType(op.Body.Type.Item!) + ">)body);");
                    }
                    else
                    {
                        w.Line("requestInfo.SetContentFromParsable(RequestAdapter, " + Identifiers.Literal(op.Body.ContentType) + ", body);");
                    }
                }

                w.Line("return requestInfo;");
                w.Close();
            }

            if (!b.IsRoot)
            {
                w.Line();
                w.Line("/// <summary>Returns a request builder with the provided arbitrary URL. Using this method means any other path or query parameters are ignored.</summary>");
                w.Line("/// <param name=\"rawUrl\">The raw URL to use for the request builder.</param>");
                w.Line("/// <returns>A <see cref=\"" + b.ClassName + "\"/>.</returns>");
                w.Line("public " + b.ClassName + " WithUrl(string rawUrl) => new " + b.ClassName + "(rawUrl, RequestAdapter);");
            }

            foreach (var op in b.Operations.Where(o => o.Query.Count > 0))
            {
                w.Line();
                w.Line("/// <summary>Query parameters of " + op.OperationId + " (" + op.HttpMethod + " " + op.PathTemplate + ").</summary>");
                w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
                w.Open("public partial class " + QueryClass(b, op));
                var first = true;
                foreach (var q in op.Query)
                {
                    if (!first)
                    {
                        w.Line();
                    }

                    first = false;
                    w.Summary(q.Description, "The " + q.WireName + " query parameter.");
                    if (q.Deprecated)
                    {
                        w.Line("[global::System.Obsolete(\"Deprecated in the MLflow API.\")]");
                    }

                    w.Line("[" + TypeCode.Abstractions + ".QueryParameter(" + Identifiers.Literal(q.TemplateName) + ")]");
                    w.Line("public " + QueryType(q.Type) + "? " + q.CsName + " { get; set; }");
                }

                w.Close();
            }
        }

        public static string QueryType(TypeUse t) => t.Kind == UseKind.Array ? TypeCode.CsType(t.Item!) + "[]" : TypeCode.CsType(t);
    }
}
