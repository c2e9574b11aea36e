package dev.stepflow.store.sqlite;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.stepflow.store.StoreUnavailable;
import dev.stepflow.store.jdbc.CommitObserver;
import dev.stepflow.store.jdbc.Database;
import dev.stepflow.store.jdbc.GroupCommitWriter;
import dev.stepflow.store.jdbc.SqlDialect;
import dev.stepflow.store.jdbc.SqlWork;
import dev.stepflow.store.jdbc.StatementCache;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteJDBCLoader;

/**
 * The embedded store: one SQLite file in WAL mode in the data folder. Schema changes are Flyway
 * migrations under {@code db/migration/sqlite}. One {@link GroupCommitWriter} owns the only write
 * connection; readers use a small pool and see every committed write (WAL snapshot per statement).
 *
 * <p>With {@link Durability#PROCESS_CRASH} (synchronous=NORMAL) a committed write is in the WAL
 * file before the caller is acknowledged, which survives kill -9; {@link Durability#POWER_LOSS}
 * (synchronous=FULL) also fsyncs every batch.
 */
public final class SqliteDatabase implements Database {
  private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);

  /** What an acknowledged write survives. */
  public enum Durability {
    PROCESS_CRASH("NORMAL"),
    POWER_LOSS("FULL");

    private final String synchronous;

    Durability(String synchronous) {
      this.synchronous = synchronous;
    }
  }

  private static final int READERS = 4;

  /**
   * WAL pages after which a commit checkpoints on the writer's connection. {@link
   * BackgroundCheckpoints} copies them meanwhile, so the writer's checkpoint mostly syncs. The WAL
   * starts over only after this checkpoint (see {@link #writerProperties}), so the {@code -wal}
   * file grows to this many pages and a little more (40-50 MB) at any load.
   */
  static final int WRITER_CHECKPOINT_PAGES = 10_000;

  /** Statements a connection keeps compiled: the distinct SQL it runs, with room to spare. */
  private static final int KEPT_STATEMENTS = 256;

  private static final Duration LIBRARY_LOAD_WAIT = Duration.ofSeconds(10);

  private final GroupCommitWriter writer;
  private final HikariDataSource readers;
  private final BackgroundCheckpoints checkpoints;
  private final Semaphore readTurns = new Semaphore(READERS, true);

  private SqliteDatabase(
      GroupCommitWriter writer, HikariDataSource readers, BackgroundCheckpoints checkpoints) {
    this.writer = writer;
    this.readers = readers;
    this.checkpoints = checkpoints;
  }

  /**
   * Starts loading SQLite's native library on a thread of its own, so that it overlaps the checks a
   * start makes before it opens the store: the driver loads the {@link KeptLibraryCopy}, or copies
   * the library out of the jar, compares the copy with the original and loads it (about 90 ms of a
   * 2.3 s start). The first connection waits for it (the driver's loader is synchronized); a
   * failure here is the first connection's to report, as without this.
   *
   * <p>Closing the returned handle waits until the load ended (at most {@link #LIBRARY_LOAD_WAIT}):
   * a start that fails before it opens the store closes it before the process exits, since a copy
   * cut short by the exit fails in the driver's clean-up and prints a stack trace.
   */
  public static AutoCloseable loadLibraryAhead() {
    Thread loading =
        Thread.ofPlatform()
            .name("sqlite-library")
            .daemon()
            .start(
                () -> {
                  try {
                    KeptLibraryCopy.use();
                    SQLiteJDBCLoader.initialize();
                  } catch (Exception | LinkageError e) {
                    log.debug(
                        "Loading SQLite's library ahead failed; the first connection retries", e);
                  }
                });
    return () -> {
      try {
        loading.join(LIBRARY_LOAD_WAIT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  /**
   * Opens (creating if needed) {@code dataDir/stepflow.db} and migrates it to the current schema.
   * The files are readable by their owner only ({@link OwnerOnlyFiles}).
   */
  public static SqliteDatabase open(Path dataDir, Durability durability) {
    Path file = dataDir.resolve("stepflow.db");
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    try {
      OwnerOnlyFiles.prepare(dataDir, file);
      KeptLibraryCopy.use();
      Properties props = connectionProperties(durability);
      KeptStatementsDataSource connections = new KeptStatementsDataSource(url, props);
      // a file that is not a SQLite database fails here at once; Flyway would retry for 10 s
      connections.getConnection().close();
      Flyway.configure()
          .dataSource(url, null, null)
          .locations("classpath:db/migration/sqlite")
          .load()
          .migrate();
      HikariDataSource readers = readerPool(connections);
      try {
        GroupCommitWriter writer =
            new GroupCommitWriter(
                new KeptStatementsDataSource(url, writerProperties(props)).getConnection(),
                "stepflow-writer");
        try {
          return new SqliteDatabase(
              writer, readers, new BackgroundCheckpoints(connections.getConnection()));
        } catch (SQLException | RuntimeException e) {
          writer.close();
          throw e;
        }
      } catch (SQLException | RuntimeException e) {
        readers.close();
        throw e;
      }
    } catch (IOException | SQLException | FlywayException e) {
      throw new StoreUnavailable("open " + file, e);
    }
  }

  private static Properties connectionProperties(Durability durability) {
    Properties props = new Properties();
    props.setProperty("journal_mode", "WAL");
    props.setProperty("synchronous", durability.synchronous);
    props.setProperty("foreign_keys", "true");
    // a reader never waits for the writer in WAL mode; this covers checkpoints and the schema
    // migration
    props.setProperty("busy_timeout", "10000");
    // no statement asks for generated keys (inserts that need a key say RETURNING); with this on,
    // the driver matches every statement against a pattern and runs SELECT last_insert_rowid()
    // after every insert: 8 % of the writer's time
    props.setProperty("jdbc.get_generated_keys", "false");
    props.setProperty("wal_autocheckpoint", Integer.toString(WRITER_CHECKPOINT_PAGES));
    return props;
  }

  /**
   * The writer's connection begins every transaction as a write transaction ({@code BEGIN
   * IMMEDIATE}), taking SQLite's write lock at the start and waiting for it as {@code busy_timeout}
   * says. A deferred transaction starts as a read and becomes a write at its first write, and
   * SQLite answers {@code SQLITE_BUSY} to that upgrade at once, without calling the busy handler,
   * when it cannot take the lock then. With the {@link BackgroundCheckpoints}' connection beside a
   * deferred writer, 4 of 19 runs of {@code StatusChangeBench} failed a status change that way
   * (2026-12-04). The driver begins the next transaction right after each commit, so the writer
   * also holds the lock while idle; no other connection writes.
   */
  private static Properties writerProperties(Properties common) {
    Properties props = new Properties();
    props.putAll(common);
    props.setProperty("transaction_mode", "IMMEDIATE");
    return props;
  }

  /**
   * The readers' pool, holding all {@link #READERS} connections before it is returned and for as
   * long as it is open. {@link #read} lets at most READERS callers at the pool at once, so with
   * every connection there none of them ever waits inside it (see there why that matters). A pool
   * that grows on demand, or retires connections by age and replaces them later, has callers
   * waiting on its adder thread meanwhile; SQLite's connections are files, with nothing to gain
   * from retiring.
   */
  private static HikariDataSource readerPool(KeptStatementsDataSource connections)
      throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setDataSource(connections);
    config.setMaximumPoolSize(READERS);
    config.setMinimumIdle(READERS);
    config.setMaxLifetime(0);
    config.setPoolName("stepflow-readers");
    config.setReadOnly(false);
    HikariDataSource pool = new HikariDataSource(config);
    try {
      fill(pool);
    } catch (SQLException e) {
      pool.close();
      throw e;
    }
    return pool;
  }

  /**
   * Takes every connection of {@code pool} at once, which makes it open them all, and gives back.
   */
  private static void fill(HikariDataSource pool) throws SQLException {
    List<Connection> taken = new ArrayList<>();
    try {
      while (taken.size() < pool.getMaximumPoolSize()) {
        taken.add(pool.getConnection());
      }
    } finally {
      for (Connection c : taken) {
        c.close();
      }
    }
  }

  @Override
  public void trackPools(com.zaxxer.hikari.metrics.MetricsTrackerFactory metrics) {
    readers.setMetricsTrackerFactory(metrics);
  }

  @Override
  public void observeCommits(CommitObserver observer) {
    writer.observeCommits(observer);
  }

  @Override
  public <T> T write(SqlWork<T> work) {
    return writer.write(work);
  }

  /**
   * Reads in turn, at most {@link #READERS} at once. Readers past that wait here, parked as any
   * virtual thread parks, and never inside the pool, which holds READERS connections at all times
   * ({@link #readerPool}): HikariCP hands a returned connection to its waiters in a loop of {@code
   * Thread.yield()}, and with many virtual-thread waiters on the two carriers of a small machine
   * the hand-off could spin while the waiter it was meant for never ran; a request then hung until
   * its client gave up (seen as RunningRaceIT's unanswered PATCH, whose thread dump showed it in
   * {@code ConcurrentBag.requite}).
   */
  @Override
  public <T> T read(SqlWork<T> work) {
    readTurns.acquireUninterruptibly();
    try (Connection connection = readers.getConnection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw new StoreUnavailable("read", e);
    } finally {
      readTurns.release();
    }
  }

  @Override
  public SqlDialect dialect() {
    return SqlDialect.SQLITE;
  }

  @Override
  public void close() {
    checkpoints.close();
    writer.close();
    readers.close();
  }

  /** What the background checkpoints last found copied of the WAL's frames; for tests. */
  long checkpointedFrames() {
    return checkpoints.checkpointedFrames();
  }

  /** Connections (the writer's, the readers') that keep their prepared statements. */
  private static final class KeptStatementsDataSource extends SQLiteDataSource {
    KeptStatementsDataSource(String url, Properties props) {
      super(new SQLiteConfig(props));
      setUrl(url);
    }

    @Override
    public Connection getConnection() throws SQLException {
      return StatementCache.wrap(super.getConnection(), KEPT_STATEMENTS);
    }
  }
}
