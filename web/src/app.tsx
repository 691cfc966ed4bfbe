import { Center, Loader } from '@mantine/core';
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { session } from './api/api-client.js';
import { LobbyPage } from './pages/lobby-page.js';
import { LoginPage } from './pages/login-page.js';
import { PasswordPage } from './pages/password-page.js';
import { useSession } from './realtime/hooks.js';
import { TraineeConsolePage } from './trainee/trainee-console-page.js';
import { CockpitPage } from './instructor/cockpit-page.js';
import { CreateExercisePage } from './instructor/create-exercise-page.js';
import { ScenarioLibraryPage } from './instructor/scenario-library-page.js';
import { ScenarioDetailPage } from './instructor/scenario-detail-page.js';
import { ScenarioImportPage } from './instructor/scenario-import-page.js';
import { ExerciseResultsPage } from './reviewer/exercise-results-page.js';
import { ResultsPage } from './reviewer/results-page.js';
import { HotwashPage } from './debrief/hotwash-page.js';
import { ReviewPage } from './debrief/review-page.js';
import { NotForRolePage } from './pages/not-for-role-page.js';
import { isReviewerOnly, RESULTS_ROLES } from './pages/roles.js';

// The editor (CodeMirror, the scenario JSON Schema) loads only when an instructor opens it.
const ScenarioEditorPage = lazy(() => import('./instructor/scenario-editor-page.js').then((m) => ({ default: m.ScenarioEditorPage })));

function RequireAuth({ children }: { children: ReactNode }) {
  const { accessToken, user } = useSession();
  const location = useLocation();
  if (!accessToken) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  // An administrator chose this password: the user picks their own before anything else.
  if (user?.mustChangePassword && location.pathname !== '/account/password')
    return <Navigate to="/account/password" replace state={{ from: location.pathname }} />;
  return <>{children}</>;
}

/** A page some roles may not open: others get a page that says so, instead of the page's shell and its error. */
function RequireRole({ roles, children }: { roles: readonly string[]; children: ReactNode }) {
  const { user } = useSession();
  if (!user?.roles.some((r) => roles.includes(r))) return <NotForRolePage />;
  return <>{children}</>;
}

/** Reviewers have no exercise of their own: they start on the results. */
function Home() {
  const { user } = useSession();
  if (isReviewerOnly(user?.roles ?? [])) return <Navigate to="/results" replace />;
  return <LobbyPage />;
}

export function App() {
  // A reload keeps the session through the refresh token; wait for it before routing.
  const [ready, setReady] = useState(!session.hasRefreshToken());
  useEffect(() => {
    if (ready) return;
    void session.refresh().finally(() => setReady(true));
  }, [ready]);
  if (!ready) {
    return (
      <Center mih="100vh">
        <Loader />
      </Center>
    );
  }
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          path="/account/password"
          element={
            <RequireAuth>
              <PasswordPage />
            </RequireAuth>
          }
        />
        <Route
          path="/"
          element={
            <RequireAuth>
              <Home />
            </RequireAuth>
          }
        />
        <Route
          path="/exercises/new"
          element={
            <RequireAuth>
              <CreateExercisePage />
            </RequireAuth>
          }
        />
        <Route
          path="/exercises/:exerciseId/console"
          element={
            <RequireAuth>
              <TraineeConsolePage />
            </RequireAuth>
          }
        />
        <Route
          path="/exercises/:exerciseId/cockpit"
          element={
            <RequireAuth>
              <CockpitPage />
            </RequireAuth>
          }
        />
        <Route
          path="/exercises/:exerciseId/review"
          element={
            <RequireAuth>
              <ReviewPage />
            </RequireAuth>
          }
        />
        <Route
          path="/exercises/:exerciseId/teams/:teamId/review"
          element={
            <RequireAuth>
              <ReviewPage />
            </RequireAuth>
          }
        />
        <Route
          path="/exercises/:exerciseId/hotwash"
          element={
            <RequireAuth>
              <HotwashPage />
            </RequireAuth>
          }
        />
        <Route
          path="/scenarios"
          element={
            <RequireAuth>
              <ScenarioLibraryPage />
            </RequireAuth>
          }
        />
        <Route
          path="/scenarios/import"
          element={
            <RequireAuth>
              <ScenarioImportPage />
            </RequireAuth>
          }
        />
        <Route
          path="/scenarios/new"
          element={
            <RequireAuth>
              <Suspense
                fallback={
                  <Center mih="100vh">
                    <Loader />
                  </Center>
                }
              >
                <ScenarioEditorPage />
              </Suspense>
            </RequireAuth>
          }
        />
        <Route
          path="/scenarios/:scenarioId"
          element={
            <RequireAuth>
              <ScenarioDetailPage />
            </RequireAuth>
          }
        />
        <Route
          path="/scenarios/:scenarioId/edit/:versionId"
          element={
            <RequireAuth>
              <Suspense
                fallback={
                  <Center mih="100vh">
                    <Loader />
                  </Center>
                }
              >
                <ScenarioEditorPage />
              </Suspense>
            </RequireAuth>
          }
        />
        <Route
          path="/results"
          element={
            <RequireAuth>
              <RequireRole roles={RESULTS_ROLES}>
                <ResultsPage />
              </RequireRole>
            </RequireAuth>
          }
        />
        <Route
          path="/results/exercises/:exerciseId"
          element={
            <RequireAuth>
              <RequireRole roles={RESULTS_ROLES}>
                <ExerciseResultsPage />
              </RequireRole>
            </RequireAuth>
          }
        />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </BrowserRouter>
  );
}
