package dev.heed.cli;

import dev.heed.assembly.api.ConfigException;
import dev.heed.core.io.SafeTensorsException;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.PluginException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns every exception into a one-line message on standard error and an exit status: {@value
 * Exits#BAD_INPUT} for bad input or usage, {@value Exits#FAILURE} for anything else. Stack traces
 * only with {@code --verbose} or {@code HEED_DEBUG=1}.
 */
final class Errors
    implements IExecutionExceptionHandler, IParameterExceptionHandler, IExitCodeExceptionMapper {
  private final Io io;
  private final HeedCommand root;

  Errors(Io io, HeedCommand root) {
    this.io = io;
    this.root = root;
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println(prefix(cl) + ex.getMessage());
    if (ex instanceof UnmatchedArgumentException u) {
      UnmatchedArgumentException.printSuggestions(u, err);
    }
    err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
    if (debug()) {
      ex.printStackTrace(err);
    }
    return Exits.BAD_INPUT;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
    PrintWriter err = cl.getErr();
    int status = getExitCode(ex);
    String where = fullDisk(ex) ? writeTarget(parseResult) : null;
    err.println(
        prefix(cl) + message(ex, status) + (where == null ? "" : " (writing to " + where + ")"));
    if (debug()) {
      ex.printStackTrace(err);
    } else if (status == Exits.FAILURE) {
      err.println("(run with --verbose or HEED_DEBUG=1 for the stack trace)");
    }
    return status;
  }

  /**
   * Whether {@code ex} is a full disk or quota reported without a file name, as Java's file streams
   * report it.
   */
  private static boolean fullDisk(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof FileSystemException) {
        return false; // names its file
      }
      String m = t.getMessage();
      if (t instanceof IOException
          && m != null
          && (m.contains("No space left on device")
              || m.contains("Disk quota exceeded")
              || m.contains("File too large"))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** Where the command writes, as its command line says: the value of --out or --resume. */
  private static String writeTarget(ParseResult parseResult) {
    ParseResult p = parseResult;
    while (p != null && p.hasSubcommand()) {
      p = p.subcommand();
    }
    if (p == null) {
      return null;
    }
    for (String name : new String[] {"--out", "--resume"}) {
      if (p.hasMatchedOption(name)) {
        Object v = p.matchedOptionValue(name, null);
        if (v != null) {
          return v.toString();
        }
      }
    }
    return null;
  }

  @Override
  public int getExitCode(Throwable ex) {
    return badInput(ex) ? Exits.BAD_INPUT : Exits.FAILURE;
  }

  private boolean debug() {
    return root.verbose() || io.debugFromEnv();
  }

  private static String prefix(CommandLine cl) {
    return cl.getCommandSpec().qualifiedName() + ": error: ";
  }

  /** Whether {@code ex} (or what it wraps) is the user's input being wrong. */
  static boolean badInput(Throwable ex) {
    int depth = 0;
    for (Throwable t = ex; t != null && depth < 20; t = t.getCause(), depth++) {
      if (t instanceof ConfigException
          || t instanceof BadInputException
          || t instanceof PluginException
          || t instanceof OptionsException
          || t instanceof SafeTensorsException
          || t instanceof ParameterException
          || t instanceof NoSuchFileException
          || t instanceof NotDirectoryException
          || t instanceof AccessDeniedException
          || t instanceof FileNotFoundException
          || (t instanceof FileSystemException fse && pathProblem(fse.getReason()))) {
        return true;
      }
    }
    return false;
  }

  /** Whether a file system error's reason is a path the user gave that cannot be used. */
  private static boolean pathProblem(String reason) {
    return reason != null && (reason.equals(NOT_A_DIRECTORY) || reason.equals(LOOP));
  }

  private static final String NOT_A_DIRECTORY = "Not a directory";
  private static final String LOOP = "Too many levels of symbolic links";

  /** What a file system error says about its path, in words ("permission denied", …). */
  static String describe(FileSystemException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String reason = e.getReason();
    if (reason == null) {
      return e.getClass().getSimpleName();
    }
    return switch (reason) {
      case NOT_A_DIRECTORY -> "not a directory (a part of the path is a file)";
      case LOOP -> "a symbolic link loop (too many levels of symbolic links)";
      default -> reason;
    };
  }

  /**
   * Refuses a path that can be neither found nor ruled out: a symbolic link loop, a directory on
   * the way that cannot be searched, a symbolic link to nothing. Callers then check what they
   * expect there; this keeps those cases from being reported as "no such file".
   */
  static void requireReachable(Path path, String what) {
    try {
      Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      if (Files.isSymbolicLink(path)) {
        String to;
        try {
          to = Files.readSymbolicLink(path).toString();
        } catch (IOException | UnsupportedOperationException ex) {
          to = "a missing file";
        }
        throw new BadInputException(
            path + " is a symbolic link to " + to + ", which does not exist (" + what + ")");
      }
      // missing: the caller says so
    } catch (FileSystemException e) {
      throw new BadInputException(path + ": " + describe(e) + " (" + what + ")");
    } catch (IOException e) {
      throw new BadInputException(path + ": " + e.getMessage() + " (" + what + ")");
    }
  }

  /**
   * Refuses what is not a regular file (following symbolic links), saying what it is instead:
   * missing, a directory, a FIFO or device, a symbolic link loop or to nothing, or behind a
   * directory that cannot be searched.
   *
   * @param what what the file should be, for the message ("DATA must be a CSV file")
   */
  static void requireRegularFile(Path path, String what) {
    requireReachable(path, what);
    if (Files.isRegularFile(path)) {
      return;
    }
    if (!Files.exists(path)) {
      throw new BadInputException(path + ": no such file (" + what + ")");
    }
    String kind;
    try {
      kind = kind(path.toRealPath());
    } catch (IOException e) {
      kind = "not a regular file";
    }
    throw new BadInputException(
        path + " is " + (kind == null ? "not a regular file" : kind) + " (" + what + ")");
  }

  /**
   * What is at {@code path}, not following a final symbolic link: "a regular file", "a directory",
   * "a symbolic link", "a FIFO", "a character device", "a block device", "a socket" or "a special
   * file"; null when nothing is there.
   *
   * @throws IOException when it cannot be looked at (a symbolic link loop or an unreadable
   *     directory on the way)
   */
  static String kind(Path path) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (a.isRegularFile()) {
      return REGULAR_FILE;
    }
    if (a.isDirectory()) {
      return "a directory";
    }
    if (a.isSymbolicLink()) {
      return "a symbolic link";
    }
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return switch (mode & 0170000) {
        case 0010000 -> "a FIFO";
        case 0020000 -> "a character device";
        case 0060000 -> "a block device";
        case 0140000 -> "a socket";
        default -> "a special file";
      };
    } catch (UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
      return "a special file"; // no unix attribute view here
    }
  }

  /** What {@link #kind} says of a regular file. */
  static final String REGULAR_FILE = "a regular file";

  /** One line (or the complete message of a bad-input error) saying what went wrong. */
  static String message(Throwable ex, int status) {
    Throwable t = ex;
    for (int depth = 0; t != null && depth < 20; t = t.getCause(), depth++) {
      if (t instanceof StackOverflowError) {
        return "ran out of stack (StackOverflowError): an input may be nested too deeply; a"
            + " larger stack can be given with HEED_OPTS=-Xss64m";
      }
      if (t instanceof OutOfMemoryError oom) {
        return "out of memory ("
            + (oom.getMessage() == null ? "OutOfMemoryError" : oom.getMessage())
            + "): give the JVM more with HEED_OPTS=-Xmx8g (for example), or use smaller sizes";
      }
    }
    t = ex;
    if (t instanceof UncheckedIOException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof FileSystemException fse && fse.getReason() != null && fse.getFile() != null) {
      return fse.getFile() + ": " + describe(fse);
    }
    if (t instanceof FileSystemException fse && fse.getReason() == null) {
      String kind =
          switch (fse) {
            case NoSuchFileException n -> "no such file or directory";
            case NotDirectoryException n -> "not a directory";
            case AccessDeniedException a -> "permission denied";
            default -> fse.getClass().getSimpleName();
          };
      return fse.getFile() + ": " + kind;
    }
    String m = t.getMessage();
    if (status == Exits.BAD_INPUT && m != null && !m.isBlank()) {
      return m;
    }
    String what = t.getClass().getSimpleName();
    if (m == null || m.isBlank()) {
      return what;
    }
    String first = m.strip().lines().findFirst().orElse("");
    return what + ": " + first;
  }
}
