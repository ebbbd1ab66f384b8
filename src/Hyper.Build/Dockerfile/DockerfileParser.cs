using System.Text;

namespace Hyper.Build.Dockerfile;

/// <summary>
/// Turns Dockerfile text into the parse tree BuildKit's parser builds (frontend/dockerfile/parser):
/// parser directives, line continuations, per-instruction argument splitting, flags and here-documents.
/// Variables are not expanded here. Besides what BuildKit's parser rejects, unknown instructions,
/// chained or forbidden ONBUILD triggers and a SHELL not in JSON form are rejected, as BuildKit does
/// right after parsing.
/// </summary>
/// <remarks>
/// The shape of the arguments per instruction: FROM and EXPOSE split on blanks; USER, WORKDIR,
/// MAINTAINER and STOPSIGNAL one string; ENV and LABEL key/value/separator triples; ARG the words as
/// written; RUN, CMD, ENTRYPOINT and SHELL the JSON elements or one shell string; COPY, ADD and VOLUME
/// the JSON elements or split on blanks; HEALTHCHECK the type word then the command (JSON elements or
/// one string), with <see cref="DockerfileNode.Nested"/> holding the CMD as its own node; ONBUILD no
/// arguments and its trigger in <see cref="DockerfileNode.Nested"/> (its here-documents stay on the
/// ONBUILD node, as in BuildKit).
/// </remarks>
public sealed partial class DockerfileParser
{
    /// <summary>BuildKit reads lines with a 64 KiB buffer; longer lines are an error there.</summary>
    private const int MaxLineBytes = 65535;

    private readonly string _text;
    private readonly string _fileName;
    private readonly List<DockerfileNode> _instructions = [];
    private readonly List<DockerfileWarning> _warnings = [];
    private readonly Dictionary<int, string> _commentsAbove = [];
    private readonly List<string> _comments = [];
    private readonly StringBuilder _joined = new();

    /// <summary>Shared by the word and flag splitters, which only need it for the word being built.</summary>
    private readonly StringBuilder _scratch = new();
    private int _position;
    private int _lineNumber;
    private bool _lineTooLong;
    private DockerfileException? _deferredError;

    private DockerfileParser(string text, string fileName)
    {
        _text = text;
        _fileName = fileName;
    }

    /// <summary>Parses a whole Dockerfile; throws <see cref="DockerfileException"/> for what BuildKit rejects.</summary>
    public static DockerfileDocument Parse(string text, string fileName = "Dockerfile")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        return new DockerfileParser(text, fileName).Run();
    }

    private DockerfileDocument Run()
    {
        if (_text.StartsWith('\uFEFF'))
        {
            _position = 1;
        }

        while (NextLine(out var raw, out _))
        {
            ParseInstructionStartingAt(raw);
        }

        if (_instructions.Count == 0)
        {
            throw Error(
                Math.Max(_lineNumber, 1),
                "file with no instructions",
                instruction: null,
                "a Dockerfile needs at least a FROM instruction; everything here is empty lines, comments or parser directives");
        }

        if (_lineTooLong)
        {
            throw Error(
                _lineNumber + 1,
                $"dockerfile line greater than max allowed size of {MaxLineBytes}",
                instruction: null,
                "split the line with the escape character at the ends of lines, or move long content into a file that is COPYed in");
        }

        if (_deferredError is not null)
        {
            throw _deferredError;
        }

        return new DockerfileDocument
        {
            FileName = _fileName,
            EscapeCharacter = _escape,
            Directives = _directives,
            Instructions = _instructions,
            Warnings = _warnings,
            CommentsAbove = _commentsAbove,
        };
    }

    private void ParseInstructionStartingAt(ReadOnlySpan<char> raw)
    {
        if (IsComment(raw))
        {
            // The first character is dropped whether it is the '#' or indentation before it, as BuildKit does.
            var comment = raw[1..].Trim();
            if (comment.IsEmpty)
            {
                _comments.Clear();
            }
            else
            {
                _comments.Add(comment.ToString());
            }
        }

        var content = TrimLineEnd(raw).TrimStart();
        if (ReadDirective(content))
        {
            _comments.RemoveAt(_comments.Count - 1);
        }

        if (IsComment(content))
        {
            content = [];
        }

        var startLine = _lineNumber;
        var ended = !TrimContinuation(ref content);
        if (ended && content.IsEmpty)
        {
            return;
        }

        var line = ended ? content.ToString() : JoinContinuationLines(content);

        var node = CreateNode(line, startLine, _lineNumber, topLevel: true);
        if (CanContainHeredoc(node) && line.Contains("<<", StringComparison.Ordinal))
        {
            var heredocs = ReadHeredocs(node, line, startLine);
            if (heredocs.Count > 0)
            {
                node = node with { Heredocs = heredocs, EndLine = _lineNumber };
            }
        }

        _instructions.Add(node);
        if (_comments.Count > 0)
        {
            _commentsAbove[startLine] = string.Join('\n', _comments);
            _comments.Clear();
        }
    }

    private string JoinContinuationLines(ReadOnlySpan<char> first)
    {
        _joined.Clear().Append(first);
        var hasEmptyLine = false;
        var continues = true;
        while (continues && NextLine(out var raw, out _))
        {
            // Continuation lines keep their indentation; only the first line of an instruction is trimmed.
            if (IsComment(raw))
            {
                continue;
            }

            var content = TrimLineEnd(raw);
            if (content.TrimStart().IsEmpty)
            {
                hasEmptyLine = true;
                continue;
            }

            continues = TrimContinuation(ref content);
            _joined.Append(content);
        }

        var line = _joined.ToString();
        if (hasEmptyLine)
        {
            _warnings.Add(new DockerfileWarning(
                _fileName,
                _lineNumber,
                "NoEmptyContinuation",
                $"Empty continuation line found in: {line} (empty continuation lines will become errors in a future release)"));
        }

        return line;
    }

    /// <summary>
    /// Removes a trailing escape character (and blanks after it) that is not itself escaped;
    /// true when the instruction continues on the next line.
    /// </summary>
    private bool TrimContinuation(ref ReadOnlySpan<char> line)
    {
        var end = line.Length;
        while (end > 0 && line[end - 1] is ' ' or '\t')
        {
            end--;
        }

        if (end == 0 || line[end - 1] != _escape)
        {
            return false;
        }

        var escapeAt = end - 1;
        if (escapeAt > 0 && line[escapeAt - 1] == _escape)
        {
            return false;
        }

        line = line[..escapeAt];
        return true;
    }

    /// <summary>The next physical line without its '\n' (<paramref name="withEnding"/> keeps it); false at the end.</summary>
    private bool NextLine(out ReadOnlySpan<char> line, out ReadOnlySpan<char> withEnding)
    {
        line = withEnding = [];
        if (_position >= _text.Length || _lineTooLong)
        {
            return false;
        }

        var rest = _text.AsSpan(_position);
        var newline = rest.IndexOf('\n');
        var length = newline < 0 ? rest.Length : newline;
        if (length * 3 > MaxLineBytes && Encoding.UTF8.GetByteCount(rest[..length]) > MaxLineBytes)
        {
            // Like BuildKit's scanner, reading stops here; the error is raised once parsing is done.
            _lineTooLong = true;
            return false;
        }

        line = rest[..length];
        withEnding = newline < 0 ? line : rest[..(length + 1)];
        _position += withEnding.Length;
        _lineNumber++;
        return true;
    }

    private static ReadOnlySpan<char> TrimLineEnd(ReadOnlySpan<char> line) => line.TrimEnd("\r\n");

    private static bool IsComment(ReadOnlySpan<char> line)
    {
        var trimmed = line.TrimStart();
        return !trimmed.IsEmpty && trimmed[0] == '#';
    }

    private DockerfileException Error(int line, string message, string? instruction, string? hint) =>
        new(_fileName, line, message, instruction, hint);
}
